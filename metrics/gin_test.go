package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/metrics"
)

func TestMiddlewareCountsByRouteTemplate(t *testing.T) {
	gin.SetMode(gin.TestMode)
	reg := metrics.New()
	e := gin.New()
	e.Use(reg.Middleware())
	e.GET("/api/v1/transfers/:id", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"id": c.Param("id")}) })
	e.POST("/api/v1/rounds", func(c *gin.Context) { c.Status(http.StatusCreated) })
	e.POST("/api/v1/transfers/:id/decisions", func(c *gin.Context) {
		c.AbortWithStatus(http.StatusConflict)
	})
	e.GET(metrics.Path, gin.WrapH(reg.Handler()))
	srv := httptest.NewServer(e)
	defer srv.Close()

	do := func(method, path string, want int) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("%s %s: status %d, want %d", method, path, resp.StatusCode, want)
		}
	}
	do("GET", "/api/v1/transfers/1", 200)
	do("GET", "/api/v1/transfers/2", 200)
	do("GET", "/api/v1/transfers/3", 200)
	do("POST", "/api/v1/rounds", 201)
	do("POST", "/api/v1/transfers/7/decisions", 409)
	do("POST", "/api/v1/transfers/8/decisions", 409)
	do("GET", "/no/such/path/42", 404)
	do("GET", "/no/such/path/43", 404)
	do("BREW", "/api/v1/rounds", 404)

	fams := scrape(t, srv.URL+metrics.Path)
	checkConsistentLabels(t, fams)
	for _, c := range []struct {
		method, route, status string
		n                     float64
	}{
		{"GET", "/api/v1/transfers/:id", "200", 3},
		{"POST", "/api/v1/rounds", "201", 1},
		{"POST", "/api/v1/transfers/:id/decisions", "409", 2},
		{"GET", metrics.UnmatchedRoute, "404", 2},
		{"other", metrics.UnmatchedRoute, "404", 1},
	} {
		labels := map[string]string{"method": c.method, "route": c.route, "status": c.status}
		m := find(fams, "mutasi_http_requests_total", labels)
		if m == nil {
			t.Errorf("no mutasi_http_requests_total%v", labels)
			continue
		}
		if got := m.GetCounter().GetValue(); got != c.n {
			t.Errorf("mutasi_http_requests_total%v = %v, want %v", labels, got, c.n)
		}
		h := find(fams, "mutasi_http_request_duration_seconds", labels)
		if h == nil {
			t.Errorf("no mutasi_http_request_duration_seconds%v", labels)
			continue
		}
		if got := h.GetHistogram().GetSampleCount(); got != uint64(c.n) {
			t.Errorf("mutasi_http_request_duration_seconds%v count = %d, want %v", labels, got, c.n)
		}
	}
	// Only route templates become labels: no raw path, no made-up method.
	routes := map[string]bool{metrics.UnmatchedRoute: true}
	for _, r := range e.Routes() {
		routes[r.Path] = true
	}
	for _, m := range fams["mutasi_http_requests_total"].Metric {
		for _, l := range m.Label {
			if l.GetName() == "route" && !routes[l.GetValue()] || l.GetValue() == "BREW" {
				t.Errorf("raw request data in a label: %s=%q", l.GetName(), l.GetValue())
			}
		}
	}
	// The registry also carries the Go runtime and process metrics.
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if fams[name] == nil {
			t.Errorf("no %s", name)
		}
	}
}
