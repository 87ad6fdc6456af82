package eventstore

// Streams lists the streams of events, each once, in the order of its first
// event: the rows a projector's batch touches, to load in one query.
func Streams(events []RecordedEvent) []string {
	seen := map[string]bool{}
	var streams []string
	for _, e := range events {
		if !seen[e.Stream] {
			seen[e.Stream] = true
			streams = append(streams, e.Stream)
		}
	}
	return streams
}
