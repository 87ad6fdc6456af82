package identity

// TokenID is the ID a token creation under meta's key gets.
var TokenID = tokenID
