package server

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/models"
)

// TestControlCharactersAreRefused sends text PostgreSQL cannot store (a
// NUL character, bytes that are not UTF-8) in every kind of free text: a
// 4xx must come back at once. Accepting such text would answer 500 for an
// import, and for an update it would leave the workflow retrying the
// activity that records it, for ever.
//
// It also holds an import with a header and no rows, which FuzzImport
// found answering 500 (an empty slice handed to GORM's Create).
func TestControlCharactersAreRefused(t *testing.T) {
	q := quietRound(t)
	s := q.stack
	before := snapshot(t, s.db)
	own, other := "/api/v1/transfers/"+q.own.ID, "/api/v1/transfers/"+q.other.ID
	client := &http.Client{Timeout: 15 * time.Second}
	for _, c := range []struct {
		path        string
		role        models.Role
		contentType string
		body        string
	}{
		{"/api/v1/imports/units", models.RoleHR, "text/csv", "id,name\nU900,Dinas\x00Nol\n"},
		{"/api/v1/imports/units", models.RoleHR, "text/csv", "id,name\nU900,\xff\xfeDinas\n"},
		{"/api/v1/imports/units", models.RoleHR, "application/json", `[{"id": "U900", "name": "Dinas\u0000Nol"}]`},
		{other + "/decisions", models.RoleTPK, "application/json", `{"approve": true, "reason": "ok\u0000"}`},
		{own + "/objections", models.RoleEmployee, "application/json", `{"category": "other", "text": "a\u0000b"}`},
		{"/api/v1/rounds", models.RoleHR, "application/json", `{"id": "NUL1", "name": "Putaran\u0000"}`},
		// Found by FuzzImport: a file with a header and no rows asks GORM to
		// insert an empty slice, which fails with 500.
		{"/api/v1/imports/units", models.RoleHR, "text/csv", "id,name\n"},
		{"/api/v1/imports/employees", models.RoleHR, "application/json", `[]`},
	} {
		req, _ := http.NewRequest("POST", s.url+c.path, bytes.NewBufferString(c.body))
		req.Header.Set("Content-Type", c.contentType)
		req.Header.Set("Authorization", s.bearer(c.role))
		resp, err := client.Do(req)
		if err != nil {
			t.Errorf("POST %s %q: %v", c.path, c.body, err)
			continue
		}
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		refused(t, fmt.Sprintf("POST %s %q", c.path, c.body), resp.StatusCode, b.Bytes())
	}
	time.Sleep(time.Second)
	sameSnapshot(t, before, snapshot(t, s.db))
}
