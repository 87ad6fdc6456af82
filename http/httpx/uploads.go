package httpx

import (
	"sync"

	"backoffice/domain"
)

// Upload limits of one process. An upload holds at most one file in memory
// (documents are at most 2 MB), so these bound what uploads can take.
const (
	MaxUploadsPerProcess = 16
	MaxUploadsPerUser    = 4
)

// ErrTooManyUploads is the 429 of an upload over the limits.
var ErrTooManyUploads = &domain.Error{Kind: domain.KindTooMany, Code: "too_many_uploads",
	Message:   "Too many uploads at the same time. Please try again in a moment.",
	MessageNL: "Er worden te veel bestanden tegelijk aangeboden. Probeer het zo opnieuw."}

// UploadLimiter caps concurrent uploads per process and per user.
type UploadLimiter struct {
	perProcess, perUser int

	mu     sync.Mutex
	active int
	users  map[string]int
}

// NewUploadLimiter returns a limiter; zero arguments take the defaults.
func NewUploadLimiter(perProcess, perUser int) *UploadLimiter {
	if perProcess <= 0 {
		perProcess = MaxUploadsPerProcess
	}
	if perUser <= 0 {
		perUser = MaxUploadsPerUser
	}
	return &UploadLimiter{perProcess: perProcess, perUser: perUser, users: map[string]int{}}
}

// Uploads is the process's limiter, shared by the API and the portal.
var Uploads = NewUploadLimiter(0, 0)

// Acquire takes a slot for user's upload. It returns the release function,
// or an error matching ErrTooManyUploads (with a Retry-After) when the
// process or the user is at the limit.
func (l *UploadLimiter) Acquire(user string) (release func(), err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.active >= l.perProcess || l.users[user] >= l.perUser {
		return nil, uploadRefusal{}
	}
	l.active++
	l.users[user]++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.active--
			if l.users[user]--; l.users[user] == 0 {
				delete(l.users, user)
			}
		})
	}, nil
}

// Active is the number of uploads in flight.
func (l *UploadLimiter) Active() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.active
}

// uploadRefusal is ErrTooManyUploads with a short Retry-After.
type uploadRefusal struct{}

func (uploadRefusal) Error() string          { return ErrTooManyUploads.Error() }
func (uploadRefusal) Unwrap() error          { return ErrTooManyUploads }
func (uploadRefusal) RetryAfterSeconds() int { return 1 }
