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

// Validate returns in with Name and Agency cleaned by CleanLine, and nil or
// a *ValidationError naming every rule in breaks: the name is required and
// has at most 200 characters, the agency at most 200, and the time zone is
// Asia/Jakarta, Asia/Makassar or Asia/Jayapura. Whether Questionnaire names
// a stored version is for the store to check.
func (in NewUnit) Validate() (NewUnit, error) {
	ve := &ValidationError{}
	in.Name, in.Agency = CleanLine(in.Name), CleanLine(in.Agency)
	if emptyOrTooLong(in.Name, 200) {
		ve.Add("name", "Nama unit wajib diisi (paling banyak 200 karakter).")
	}
	if tooLong(in.Agency, 200) {
		ve.Add("agency", "Nama instansi paling banyak 200 karakter.")
	}
	if ZoneAbbr(in.TimeZone) == "" {
		ve.Add("tz", "Zona waktu harus Asia/Jakarta (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT).")
	}
	return in, ve.OrNil()
}

// CheckServiceName returns a service's name cleaned by CleanLine, or a
// *ValidationError on "name" when it is empty or has more than 200
// characters. That no other service of the unit has the name is for the
// store to check.
func CheckServiceName(name string) (string, error) {
	name = CleanLine(name)
	if emptyOrTooLong(name, 200) {
		return "", &ValidationError{Fields: map[string]string{"name": "Nama layanan wajib diisi (paling banyak 200 karakter)."}}
	}
	return name, nil
}

// CheckCounterName returns a counter's name cleaned by CleanLine, or a
// *ValidationError on "name" when it is empty or has more than 100
// characters.
func CheckCounterName(name string) (string, error) {
	name = CleanLine(name)
	if emptyOrTooLong(name, 100) {
		return "", &ValidationError{Fields: map[string]string{"name": "Nama loket wajib diisi (paling banyak 100 karakter)."}}
	}
	return name, nil
}
