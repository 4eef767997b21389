// Package survey is the domain of Persepsi: units, their services and
// counters, questionnaire versions, respondents' submissions and their
// validation, and the Store that keeps them in SQL through GORM.
//
// The package never imports Fiber: HTTP lives in package app. Errors that a
// caller must tell apart are the sentinel ErrNotFound and *ValidationError;
// anything else is an internal failure.
package survey
