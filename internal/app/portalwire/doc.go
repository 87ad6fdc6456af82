// Package portalwire adapts the real command and query packages to the
// portal's ports (http/portal/ports.go). The adapters only translate types
// and arguments: every role and scope check stays in the command and query
// layers they call, and a portal page outside the actor's scope therefore
// gets the same domain.ErrNotFound the API gets.
package portalwire
