// Package data holds the questionnaire definitions Persepsi ships with. The
// default database file also lives in this folder at run time (git-ignored).
package data

import "embed"

// Questionnaires holds data/questionnaires/*.json, one questionnaire version
// per file. survey.LoadQuestionnaires parses and validates them.
//
//go:embed questionnaires/*.json
var Questionnaires embed.FS
