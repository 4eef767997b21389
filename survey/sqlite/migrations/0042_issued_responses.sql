-- How many responses an issued bundle's data holds, so a check of one of
-- its files alone can say how many rows the chain vouches for.
ALTER TABLE issued_bundles ADD COLUMN responses INTEGER NOT NULL DEFAULT 0;
