package linkmail

// CrashBeforeHandling makes r's background work end, as a kill -9 would,
// after a request is stored and answered and before it is handled.
func CrashBeforeHandling(r *Requests) { r.cut = func() bool { return true } }
