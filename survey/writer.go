package survey

import (
	"errors"
)

// ErrClosed is returned by Submit once the store is closing.
var ErrClosed = errors.New("survey: store is closed")
