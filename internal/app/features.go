package app

import (
	"context"
	"net/http"

	"backoffice/domain"
	"backoffice/http/api"
	"backoffice/projections"
)

// features collects what the product's features contribute: projectors,
// API slices, the portal, the authenticator and background loops.
type features struct {
	projectors []projections.Projector
	api        []api.Feature
	auth       api.Authenticator
	portal     http.Handler
	background []func(context.Context) error
}

func newFeatures(ctx context.Context, o Options) (*features, error) {
	f := &features{auth: noAuth{}}
	return f, nil
}

// noAuth refuses every request; replaced when the identity feature is wired.
type noAuth struct{}

func (noAuth) Authenticate(*http.Request) (domain.Actor, error) {
	return domain.Actor{}, &domain.Error{Kind: domain.KindUnauthorized, Code: "unauthenticated",
		Message: "log in first", MessageNL: "Log eerst in."}
}
