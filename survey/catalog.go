package survey

// DefaultQuestionnaireKey is the questionnaire a new unit runs unless told
// otherwise: SPKP + SPAK on 1–6.
const DefaultQuestionnaireKey = "spkp-spak-6"

// NewUnit is the input for CreateUnit.
type NewUnit struct {
	Name          string
	Agency        string
	TimeZone      string
	Questionnaire string // "key" or "key@version"; empty means the default
}

// NewCounter is the input for CreateCounter.
type NewCounter struct {
	UnitID    int64
	Name      string
	ServiceID int64 // 0: the respondent chooses the service
}
