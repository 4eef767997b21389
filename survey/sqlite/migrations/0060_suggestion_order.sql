-- Latest suggestions are listed by local day, newest first, then by text:
-- never by id, which follows arrival order (issue 8, item 6). The index
-- holds only responses with a suggestion, in exactly that order, so the
-- first page needs no sort however many suggestions a period has. It
-- replaces 0012's (unit_id, local_day) index.
DROP INDEX responses_unit_day_suggestion;
CREATE INDEX responses_unit_day_suggestion_text ON responses (unit_id, local_day DESC, suggestion, service_id) WHERE suggestion <> '';
