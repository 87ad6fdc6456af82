// Package identity holds the read models of the identity feature
// (intermediaries, clients with their agreements, workers without personal
// data, placements, accounts), their projectors, and the typed queries the
// HTTP layer uses. Every query takes the caller's actor and filters rows by
// its scope (account.ScopeOf): a row outside it is indistinguishable from a
// row that does not exist.
package identity
