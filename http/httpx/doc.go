// Package httpx holds what every HTTP surface (JSON API, portal) shares:
// bounded JSON decoding, JSON encoding, the one mapping from error kinds to
// status codes, and middleware (request IDs, access logs, metrics, panics).
package httpx
