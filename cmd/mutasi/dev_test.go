package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/schedule"
	"github.com/bkpsdm/mutasi/survey"
	"github.com/bkpsdm/mutasi/testkit"
)

// freePort returns a loopback port nobody listens on (testkit.FreePort).
func freePort(t *testing.T) string {
	port, err := testkit.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(port)
}

// TestDevStackWalkthrough builds the mutasi command, runs `mutasi dev` as
// a newcomer would (embedded SQLite, no DATABASE_URL), waits for it to be
// ready and walks one transfer from the round's start to its survey
// through the API, then stops it with Ctrl-C and starts it again.
func TestDevStackWalkthrough(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "mutasi")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	state := filepath.Join(dir, "state")
	t.Cleanup(func() {
		// The stack's log goes with the temporary folder: keep its errors.
		if b, err := os.ReadFile(filepath.Join(state, "mutasi.log")); t.Failed() && err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				if strings.Contains(l, "level=ERROR") || strings.Contains(l, "level=WARN") {
					t.Log(l)
				}
			}
		}
	})
	// The API and the metrics listen on ports the system picks, read from
	// the banner; Temporal's ports are picked just before each start.
	var temporalAddr string
	start := func() (*exec.Cmd, *testkit.Output) {
		temporalAddr = "127.0.0.1:" + freePort(t)
		cmd := exec.Command(bin, "dev", "--dir", state, "--employees", "60", "--http-addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0",
			"--temporal", temporalAddr, "--ui-port", freePort(t))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "MUTASI_DATABASE_URL=", "DATABASE_URL=")
		out := &testkit.Output{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, out
	}
	stop := func(cmd *exec.Cmd, out *testkit.Output) {
		cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("mutasi dev did not stop cleanly: %v\n%s", err, out)
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Errorf("mutasi dev did not stop within 30s\n%s", out)
		}
	}
	cmd, out := start()
	base, metricsURL := waitReady(t, out)
	if !strings.Contains(out.String(), "Token:") || !strings.Contains(out.String(), "sign in as admin / ") ||
		!strings.Contains(out.String(), "or as superadmin / ") {
		t.Errorf("the banner shows no token or no account:\n%s", out)
	}
	if banner := out.String(); strings.Contains(banner, ".mutasi") || !strings.Contains(banner, filepath.Join(state, "admin-token")) {
		t.Errorf("the banner does not name the state folder %s:\n%s", state, banner)
	}
	signInAsAdmin(t, base, state)
	// The periodic evaluation is on its schedule, as an operator sees it.
	cli, err := devtemporal.EnsureCLI(context.Background(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	testkit.EventuallyWithin(t, 30*time.Second, "temporal schedule list to show "+schedule.EvaluationID, func() bool {
		list, err := exec.Command(cli, "schedule", "list", "--address", temporalAddr).CombinedOutput()
		return err == nil && strings.Contains(string(list), schedule.EvaluationID)
	})
	tokenBytes, err := os.ReadFile(filepath.Join(state, "admin-token"))
	if err != nil {
		t.Fatal(err)
	}
	hr := strings.TrimSpace(string(tokenBytes))
	c := apiClient{t: t, base: base + "/api/v1"}
	settings := map[string]any{"decision_reminder": "5s", "decision_escalation": "10s", "acknowledge_reminder": "5s",
		"acknowledge_deadline": "10s", "survey_delay": "1s", "survey_reminder": "5s", "survey_window": "20s"}
	c.call(hr, "POST", "/rounds", map[string]any{"id": "demo", "name": "Demo", "settings": settings}, 201, nil)
	var round struct{ Status string }
	c.poll("awaiting confirmation", func() bool {
		c.call(hr, "GET", "/rounds/demo", nil, 200, &round)
		return round.Status == "awaiting_confirmation"
	})
	c.call(hr, "POST", "/rounds/demo/confirmation", map[string]any{}, 200, nil)
	var list struct {
		Items []struct{ ID, NIP string }
	}
	c.poll("transfers", func() bool {
		c.call(hr, "GET", "/transfers?round=demo&stage=awaiting_tpk&limit=1", nil, 200, &list)
		return len(list.Items) == 1
	})
	tr := list.Items[0]
	tpk := issue(t, bin, dir, state, "--role", "tpk", "--name", "TPK")
	ppk := issue(t, bin, dir, state, "--role", "ppk", "--name", "PPK")
	emp := issue(t, bin, dir, state, "--role", "employee", "--nip", tr.NIP, "--name", "pegawai")
	path := "/transfers/" + tr.ID
	// The round's transfers take effect together, once every one has
	// cleared: approve them all; the employees other than ours stay
	// silent and are deemed to acknowledge.
	var all struct {
		Items []struct{ ID string }
		Total int
	}
	c.call(hr, "GET", "/transfers?round=demo&limit=500", nil, 200, &all)
	if all.Total > len(all.Items) {
		t.Fatalf("%d transfers, more than a page", all.Total)
	}
	for _, who := range []string{tpk, ppk} {
		for _, x := range all.Items {
			c.call(who, "POST", "/transfers/"+x.ID+"/decisions", map[string]any{"approve": true, "reason": "sesuai kebutuhan"}, 200, nil)
		}
	}
	var view struct{ Stage string }
	c.poll("socialization", func() bool {
		c.call(emp, "GET", path, nil, 200, &view)
		return view.Stage == "socialization"
	})
	c.call(emp, "POST", path+"/acknowledgement", nil, 200, nil)
	c.poll("the survey", func() bool {
		c.call(emp, "GET", path, nil, 200, &view)
		return view.Stage == "survey_open"
	})
	// The metrics are on their own address, not on the API's port.
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /metrics on the API's port: %d, want 404", resp.StatusCode)
	}
	resp, err = http.Get(metricsURL)
	if err != nil {
		t.Fatal(err)
	}
	scrape, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{`mutasi_http_requests_total{method="POST",route="/api/v1/rounds",status="201"} 1`, "temporal_request_total", "temporal_activity_execution_latency_seconds"} {
		if !strings.Contains(string(scrape), m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}
	stop(cmd, out)

	// Running it again finds everything where it was left: the open
	// survey, waiting on its timer, and its link from the outbox.
	cmd, out = start()
	defer stop(cmd, out)
	base, _ = waitReady(t, out)
	c.base = base + "/api/v1"
	link := surveyLink(t, bin, dir, state, tr.ID)
	var form struct{ Items []survey.Item }
	c.call("", "GET", "/surveys/"+link, nil, 200, &form)
	answers := map[string]any{}
	for _, it := range form.Items {
		if it.Scale != survey.Text {
			answers[it.Code] = 4
		}
	}
	c.call("", "POST", "/surveys/"+link, map[string]any{"answers": answers}, 200, nil)
	c.poll("completion", func() bool {
		c.call(emp, "GET", path, nil, 200, &view)
		return view.Stage == "completed"
	})
}

// bannerAddrs finds the API's base URL and the metrics' URL in the dev
// stack's banner.
var bannerAddrs = regexp.MustCompile(`API: +(http://\S+)/api/v1 [\s\S]*Metrics: +(http://\S+)`)

// waitReady waits for the dev stack's banner and for its API to answer
// /readyz, and returns the API's base URL and the metrics' URL.
func waitReady(t *testing.T, out *testkit.Output) (base, metricsURL string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := testkit.Poll(ctx, 200*time.Millisecond, "mutasi dev to be ready", func() bool {
		m := bannerAddrs.FindStringSubmatch(out.String())
		if m == nil {
			return false
		}
		base, metricsURL = m[1], m[2]
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	return base, metricsURL
}

// issue runs `mutasi token` against the dev stack's state folder.
func issue(t *testing.T, bin, dir, state string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"token", "--dir", state}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MUTASI_DATABASE_URL=", "DATABASE_URL=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mutasi token %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// surveyLink reads the survey token from the invitation in the outbox.
func surveyLink(t *testing.T, bin, dir, state, transferID string) string {
	t.Helper()
	cmd := exec.Command(bin, "outbox", "--dir", state, "--transfer", transferID)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MUTASI_DATABASE_URL=", "DATABASE_URL=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mutasi outbox: %v", err)
	}
	i := strings.LastIndex(string(out), "/surveys/")
	if i < 0 {
		t.Fatalf("no survey link in the outbox:\n%s", out)
	}
	return strings.Fields(string(out)[i+len("/surveys/"):])[0]
}

// apiClient calls the API and checks statuses.
type apiClient struct {
	t    *testing.T
	base string
}

func (c apiClient) call(token, method, path string, body any, status int, out any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatal(err)
		}
	}
}

func (c apiClient) poll(what string, ok func() bool) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := testkit.Poll(ctx, 200*time.Millisecond, what, ok); err != nil {
		c.t.Fatal(err)
	}
}

// signInAsAdmin signs in to the pages with the dev stack's admin account.
func signInAsAdmin(t *testing.T, base, state string) {
	t.Helper()
	password, err := os.ReadFile(filepath.Join(state, "admin-password"))
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(base + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no sign-in form:\n%s", page)
	}
	resp, err = browser.PostForm(base+"/signin", url.Values{"csrf_token": {string(m[1])}, "username": {"admin"},
		"password": {strings.TrimSpace(string(password))}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Dasbor BKPSDM") {
		t.Errorf("the admin account did not sign in: %d\n%s", resp.StatusCode, page)
	}
}
