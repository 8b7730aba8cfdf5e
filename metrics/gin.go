package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// httpLabels are the labels of the HTTP request metrics.
var httpLabels = []string{"method", "route", "status"}

// UnmatchedRoute is the route label of requests that matched no route, so
// that unknown paths do not each make a series of their own.
const UnmatchedRoute = "unmatched"

// Middleware counts the requests the Gin engine answers and observes how
// long they took, by method, route template (c.FullPath(), such as
// /api/v1/transfers/:id, never the raw path) and status code. Put it first
// on the engine so that it times the whole chain.
func (r *Registry) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = UnmatchedRoute
		}
		method := methodLabel(c.Request.Method)
		status := strconv.Itoa(c.Writer.Status())
		r.requests.WithLabelValues(method, route, status).Inc()
		r.duration.WithLabelValues(method, route, status).Observe(time.Since(start).Seconds())
	}
}

// methodLabel keeps the method label to the standard methods: any other
// becomes "other", so made-up methods cannot grow the series without bound.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return m
	}
	return "other"
}
