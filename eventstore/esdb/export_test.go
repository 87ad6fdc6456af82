package esdb

// CloseClientForTest closes the current client as a failure would; the next
// call must notice and build a new one.
func (s *Store) CloseClientForTest() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client != nil {
		_ = s.client.Close()
	}
}

// ClientGeneration counts the clients built so far.
func (s *Store) ClientGeneration() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}
