package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// These machines have no Docker engine, so docker-compose.yml and the
// Dockerfile are checked against the code instead of being run: every
// subcommand, variable, dependency and port they name must exist.

const (
	serverPort    = 8080 // the default port of `mutasi server` (MUTASI_HTTP_ADDR)
	uiPort        = 8080 // the port the temporalio/ui image listens on by default
	uiPublished   = 8233 // where the compose file publishes the Web UI: the port `mutasi dev` uses
	temporalPort  = 7233 // the Temporal frontend
	composeFile   = "../../docker-compose.yml"
	dockerfile    = "../../Dockerfile"
	goSourcesRoot = ".." // cmd/: where the MUTASI_* variables are read
)

type compose struct {
	Services map[string]service `yaml:"services"`
}

type service struct {
	Image       string       `yaml:"image"`
	Build       any          `yaml:"build"`
	Entrypoint  words        `yaml:"entrypoint"`
	Command     words        `yaml:"command"`
	Restart     string       `yaml:"restart"`
	Environment environment  `yaml:"environment"`
	DependsOn   dependencies `yaml:"depends_on"`
	Ports       []port       `yaml:"ports"`
	Healthcheck *struct {
		Test words `yaml:"test"`
	} `yaml:"healthcheck"`
}

// words is a command or entrypoint: a list, or a string split on spaces.
type words []string

func (w *words) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*w = strings.Fields(n.Value)
		return nil
	}
	var list []string
	err := n.Decode(&list)
	*w = list
	return err
}

// environment is a mapping, or a list of NAME=value.
type environment map[string]string

func (e *environment) UnmarshalYAML(n *yaml.Node) error {
	*e = environment{}
	if n.Kind == yaml.MappingNode {
		var m map[string]string
		if err := n.Decode(&m); err != nil {
			return err
		}
		for k, v := range m {
			(*e)[k] = v
		}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	for _, kv := range list {
		k, v, _ := strings.Cut(kv, "=")
		(*e)[k] = v
	}
	return nil
}

// dependencies maps each service depended on to its condition.
type dependencies map[string]string

func (d *dependencies) UnmarshalYAML(n *yaml.Node) error {
	*d = dependencies{}
	if n.Kind == yaml.SequenceNode {
		var list []string
		if err := n.Decode(&list); err != nil {
			return err
		}
		for _, s := range list {
			(*d)[s] = "service_started"
		}
		return nil
	}
	var m map[string]struct {
		Condition string `yaml:"condition"`
	}
	if err := n.Decode(&m); err != nil {
		return err
	}
	for s, c := range m {
		if c.Condition == "" {
			c.Condition = "service_started"
		}
		(*d)[s] = c.Condition
	}
	return nil
}

// port is one published port, from "[ip:][host:]container[/proto]" or the
// long syntax.
type port struct {
	Published, Target int
	HostIP            string // "" for every interface
}

func (p *port) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		var long struct {
			Target    int    `yaml:"target"`
			Published string `yaml:"published"`
		}
		if err := n.Decode(&long); err != nil {
			return err
		}
		p.Target = long.Target
		if long.Published != "" {
			v, err := strconv.Atoi(long.Published)
			if err != nil {
				return fmt.Errorf("port %q: %w", long.Published, err)
			}
			p.Published = v
		}
		return nil
	}
	spec, _, _ := strings.Cut(n.Value, "/")
	parts := strings.Split(spec, ":")
	var err error
	if p.Target, err = strconv.Atoi(parts[len(parts)-1]); err != nil {
		return fmt.Errorf("port %q: %w", n.Value, err)
	}
	if len(parts) > 1 {
		if p.Published, err = strconv.Atoi(parts[len(parts)-2]); err != nil {
			return fmt.Errorf("port %q: %w", n.Value, err)
		}
	}
	if len(parts) > 2 {
		p.HostIP = strings.Join(parts[:len(parts)-2], ":")
	}
	return nil
}

func loadCompose(t *testing.T) compose {
	t.Helper()
	b, err := os.ReadFile(composeFile)
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s: %v", composeFile, err)
	}
	if len(c.Services) == 0 {
		t.Fatalf("%s: no services", composeFile)
	}
	return c
}

// goSources returns the text of the non-test Go files under cmd/.
func goSources(t *testing.T) string {
	t.Helper()
	var all strings.Builder
	err := filepath.WalkDir(goSourcesRoot, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		all.Write(b)
		all.WriteByte('\n')
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return all.String()
}

// mutasiServices are the services that run the image built from this
// repository.
func mutasiServices(c compose) map[string]service {
	out := map[string]service{}
	for name, s := range c.Services {
		if s.Build != nil {
			out[name] = s
		}
	}
	return out
}

func TestComposeCommandsExist(t *testing.T) {
	c := loadCompose(t)
	ms := mutasiServices(c)
	ran := map[string]bool{}
	for name, s := range ms {
		if len(s.Entrypoint) > 0 {
			t.Errorf("service %s overrides the image's entrypoint (mutasi): %v", name, s.Entrypoint)
		}
		if len(s.Command) == 0 {
			t.Errorf("service %s names no subcommand", name)
			continue
		}
		if _, ok := commands[s.Command[0]]; !ok {
			t.Errorf("service %s runs `mutasi %s`: no such subcommand (have %v)", name, s.Command[0], commandNames())
		}
		ran[s.Command[0]] = true
	}
	for _, want := range []string{"migrate", "server", "worker"} {
		if !ran[want] {
			t.Errorf("no service runs `mutasi %s`", want)
		}
	}
}

func commandNames() []string {
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	return names
}

func TestComposeVariablesAreRead(t *testing.T) {
	c := loadCompose(t)
	src := goSources(t)
	for name, s := range c.Services {
		for k := range s.Environment {
			if strings.HasPrefix(k, "MUTASI_") && !strings.Contains(src, strconv.Quote(k)) {
				t.Errorf("service %s sets %s, which no Go file under cmd/ reads", name, k)
			}
		}
	}
	required := map[string][]string{
		"migrate": {"MUTASI_DATABASE_URL"},
		"server": {"MUTASI_DATABASE_URL", "MUTASI_TEMPORAL_ADDRESS", "MUTASI_TEMPORAL_NAMESPACE", "MUTASI_LINK_SECRET", "MUTASI_HTTP_ADDR",
			"MUTASI_PAYLOAD_KEYS"},
		"worker": {"MUTASI_DATABASE_URL", "MUTASI_TEMPORAL_ADDRESS", "MUTASI_TEMPORAL_NAMESPACE", "MUTASI_LINK_SECRET",
			"MUTASI_PAYLOAD_KEYS", "MUTASI_AUDIT_SIGNING_KEY", "MUTASI_AUDIT_CHECKPOINTS"},
	}
	for name, s := range mutasiServices(c) {
		if len(s.Command) == 0 {
			continue
		}
		for _, k := range required[s.Command[0]] {
			if s.Environment[k] == "" {
				t.Errorf("service %s (mutasi %s) does not set %s", name, s.Command[0], k)
			}
		}
		// The hosts they name are services of this file.
		if addr := s.Environment["MUTASI_TEMPORAL_ADDRESS"]; addr != "" {
			host, p, err := net.SplitHostPort(addr)
			if err != nil {
				t.Errorf("service %s: MUTASI_TEMPORAL_ADDRESS %q: %v", name, addr, err)
			} else if _, ok := c.Services[host]; !ok {
				t.Errorf("service %s: MUTASI_TEMPORAL_ADDRESS names host %q, not a service", name, host)
			} else if p != strconv.Itoa(temporalPort) {
				t.Errorf("service %s: MUTASI_TEMPORAL_ADDRESS port %s, want %d", name, p, temporalPort)
			}
		}
		if dsn := s.Environment["MUTASI_DATABASE_URL"]; dsn != "" {
			m := regexp.MustCompile(`(?:^|\s)host=(\S+)`).FindStringSubmatch(dsn)
			if m == nil {
				t.Errorf("service %s: MUTASI_DATABASE_URL names no host=", name)
			} else if _, ok := c.Services[m[1]]; !ok {
				t.Errorf("service %s: MUTASI_DATABASE_URL names host %q, not a service", name, m[1])
			}
		}
	}
}

func TestComposeDependencies(t *testing.T) {
	c := loadCompose(t)
	oneShot := func(s service) bool {
		return s.Restart == "" || s.Restart == "no" || strings.HasPrefix(s.Restart, "on-failure")
	}
	for name, s := range c.Services {
		for dep, cond := range s.DependsOn {
			d, ok := c.Services[dep]
			switch {
			case !ok:
				t.Errorf("service %s depends on %q, which is not a service", name, dep)
			case dep == name:
				t.Errorf("service %s depends on itself", name)
			case cond == "service_healthy" && d.Healthcheck == nil:
				t.Errorf("service %s waits for %s to be healthy, which has no healthcheck", name, dep)
			case cond == "service_completed_successfully" && !oneShot(d):
				t.Errorf("service %s waits for %s to complete, which restarts %q", name, dep, d.Restart)
			case cond != "service_started" && cond != "service_healthy" && cond != "service_completed_successfully":
				t.Errorf("service %s: unknown condition %q on %s", name, cond, dep)
			}
		}
	}
	for name, s := range mutasiServices(c) {
		if len(s.Command) == 0 || (s.Command[0] != "server" && s.Command[0] != "worker") {
			continue
		}
		var migrated, temporal bool
		for dep, cond := range s.DependsOn {
			d := c.Services[dep]
			migrated = migrated || len(d.Command) > 0 && d.Command[0] == "migrate" && cond == "service_completed_successfully"
			temporal = temporal || strings.HasPrefix(d.Image, "temporalio/auto-setup:") || strings.HasPrefix(d.Image, "temporalio/server:")
		}
		if !migrated {
			t.Errorf("service %s does not wait for `mutasi migrate` to complete", name)
		}
		if !temporal {
			t.Errorf("service %s does not depend on the Temporal server", name)
		}
	}
}

// TestComposeProductionShape checks what production asks of the shape:
// the official Temporal server (not auto-setup, which Temporal no longer
// builds) with its schema from the admin tools; separate database users
// for Mutasi and Temporal, neither the superuser; the Web UI, the codec
// server and Temporal's frontend on this host only; /metrics published
// nowhere; TLS in front of the API, whose proxy alone is trusted.
func TestComposeProductionShape(t *testing.T) {
	c := loadCompose(t)
	userOf := regexp.MustCompile(`(?:^|\s)user=(\S+)`)
	var mutasiUser, temporalUser, schemaUser string
	var caddy bool
	for name, s := range c.Services {
		switch {
		case strings.HasPrefix(s.Image, "temporalio/auto-setup"):
			t.Errorf("service %s runs temporalio/auto-setup", name)
		case strings.HasPrefix(s.Image, "temporalio/server:"):
			temporalUser = s.Environment["POSTGRES_USER"]
		case strings.HasPrefix(s.Image, "temporalio/admin-tools:") && s.Environment["SQL_USER"] != "":
			schemaUser = s.Environment["SQL_USER"]
		case strings.HasPrefix(s.Image, "caddy:"):
			caddy = true
			checkPublishes(t, name, s, 443, 443)
		}
		if m := userOf.FindStringSubmatch(s.Environment["MUTASI_DATABASE_URL"]); m != nil {
			if mutasiUser != "" && m[1] != mutasiUser {
				t.Errorf("service %s connects as %s, others as %s", name, m[1], mutasiUser)
			}
			mutasiUser = m[1]
		}
		if name == "temporal" || name == "temporal-ui" || name == "codec-server" {
			for _, p := range s.Ports {
				if p.HostIP != "127.0.0.1" {
					t.Errorf("service %s publishes port %d on %q, want 127.0.0.1 only", name, p.Published, p.HostIP)
				}
			}
		}
		if addr := s.Environment["MUTASI_METRICS_ADDR"]; addr != "" {
			_, mp, _ := net.SplitHostPort(addr)
			for _, p := range s.Ports {
				if strconv.Itoa(p.Target) == mp {
					t.Errorf("service %s publishes its metrics port %s", name, mp)
				}
			}
		}
	}
	for _, u := range []string{mutasiUser, temporalUser} {
		if u == "" || u == "postgres" {
			t.Errorf("database users: Mutasi %q, Temporal %q; want each its own, not the superuser", mutasiUser, temporalUser)
			break
		}
	}
	if mutasiUser == temporalUser || schemaUser != temporalUser {
		t.Errorf("database users: Mutasi %q, Temporal %q, Temporal's schema %q", mutasiUser, temporalUser, schemaUser)
	}
	caddyfile, err := os.ReadFile(filepath.Join("..", "..", "deploy", "Caddyfile"))
	if !caddy || err != nil || !strings.Contains(string(caddyfile), "reverse_proxy server:8080") {
		t.Errorf("no Caddy in front of the API server (service %v, deploy/Caddyfile: %v)", caddy, err)
	}
	if c.Services["server"].Environment["MUTASI_TRUSTED_PROXIES"] == "" {
		t.Error("the server trusts no proxy: behind Caddy every client would be Caddy")
	}
}

func TestComposeImagesPinned(t *testing.T) {
	c := loadCompose(t)
	for name, s := range c.Services {
		if s.Image == "" {
			if s.Build == nil {
				t.Errorf("service %s has neither image nor build", name)
			}
			continue
		}
		_, tag, ok := strings.Cut(path.Base(s.Image), ":")
		if !ok || tag == "" || tag == "latest" || (s.Build == nil && strings.Contains(tag, "$")) {
			t.Errorf("service %s: image %q is not pinned to a tag", name, s.Image)
		}
	}
}

func TestComposePorts(t *testing.T) {
	c := loadCompose(t)
	src := goSources(t)
	// The code's defaults for the API's address all use serverPort.
	defaults := regexp.MustCompile(`"MUTASI_HTTP_ADDR",\s*"([^"]*)"`).FindAllStringSubmatch(src, -1)
	if len(defaults) == 0 {
		t.Errorf("no default for MUTASI_HTTP_ADDR in the code under cmd/")
	}
	for _, d := range defaults {
		if _, p, err := net.SplitHostPort(d[1]); err != nil || p != strconv.Itoa(serverPort) {
			t.Errorf("MUTASI_HTTP_ADDR defaults to %q in the code, want port %d", d[1], serverPort)
		}
	}
	published := map[int]string{}
	var server, ui, temporal bool
	for name, s := range c.Services {
		for _, p := range s.Ports {
			if p.Published != 0 {
				if other, dup := published[p.Published]; dup {
					t.Errorf("services %s and %s both publish port %d", other, name, p.Published)
				}
				published[p.Published] = name
			}
		}
		switch {
		case len(s.Command) > 0 && s.Command[0] == "server" && s.Build != nil:
			server = true
			want := serverPort
			if addr := s.Environment["MUTASI_HTTP_ADDR"]; addr != "" {
				_, p, err := net.SplitHostPort(addr)
				if want, err = strconv.Atoi(p); err != nil {
					t.Errorf("service %s: MUTASI_HTTP_ADDR %q: %v", name, addr, err)
				}
			}
			if want != serverPort {
				t.Errorf("service %s listens on %d, not the server's default %d", name, want, serverPort)
			}
			checkPublishes(t, name, s, want, serverPort)
		case strings.HasPrefix(s.Image, "temporalio/ui:"):
			ui = true
			want := uiPort
			if p := s.Environment["TEMPORAL_UI_PORT"]; p != "" {
				want, _ = strconv.Atoi(p)
			}
			checkPublishes(t, name, s, want, uiPublished)
			if addr := s.Environment["TEMPORAL_ADDRESS"]; addr != "" {
				host, _, _ := net.SplitHostPort(addr)
				if _, ok := c.Services[host]; !ok {
					t.Errorf("service %s: TEMPORAL_ADDRESS names host %q, not a service", name, host)
				}
			}
		case strings.HasPrefix(s.Image, "temporalio/auto-setup:") || strings.HasPrefix(s.Image, "temporalio/server:"):
			temporal = true
			checkPublishes(t, name, s, temporalPort, temporalPort)
		}
	}
	if !server || !ui || !temporal {
		t.Errorf("services found: mutasi server %v, Temporal UI %v, Temporal %v; want all", server, ui, temporal)
	}
	// `mutasi dev` serves the Web UI on the same port.
	if m := regexp.MustCompile(`"ui-port",\s*"(\d+)"`).FindStringSubmatch(src); m != nil && m[1] != strconv.Itoa(uiPublished) {
		t.Errorf("mutasi dev serves the Web UI on %s, compose on %d", m[1], uiPublished)
	}
}

// checkPublishes fails unless s publishes its container port target on
// the host port host.
func checkPublishes(t *testing.T, name string, s service, target, host int) {
	t.Helper()
	for _, p := range s.Ports {
		if p.Target == target && p.Published == host {
			return
		}
	}
	t.Errorf("service %s does not publish container port %d as %d (ports %+v)", name, target, host, s.Ports)
}

// dockerStage is one FROM ... stage of the Dockerfile: its image, its name
// and its instructions (continuation lines joined).
type dockerStage struct {
	image, name string
	lines       []string
}

func parseDockerfile(t *testing.T) []dockerStage {
	t.Helper()
	b, err := os.ReadFile(dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	var stages []dockerStage
	var cur strings.Builder
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		ins := cur.String()
		cur.Reset()
		f := strings.Fields(ins)
		if strings.EqualFold(f[0], "FROM") {
			st := dockerStage{image: f[1]}
			if len(f) == 4 && strings.EqualFold(f[2], "AS") {
				st.name = f[3]
			}
			stages = append(stages, st)
			continue
		}
		if len(stages) == 0 {
			t.Fatalf("%s: %q before FROM", dockerfile, ins)
		}
		stages[len(stages)-1].lines = append(stages[len(stages)-1].lines, ins)
	}
	if len(stages) < 2 {
		t.Fatalf("%s: %d stages, want a build stage and a runtime stage", dockerfile, len(stages))
	}
	return stages
}

func TestDockerfileEntrypointIsCmdMutasi(t *testing.T) {
	stages := parseDockerfile(t)
	for _, st := range stages {
		if _, tag, ok := strings.Cut(path.Base(st.image), ":"); !ok || tag == "latest" {
			t.Errorf("FROM %s is not pinned to a tag", st.image)
		}
	}
	// The build stage builds ./cmd/mutasi without cgo into out.
	built := map[string]string{} // stage name -> output path
	goBuild := regexp.MustCompile(`\bgo build\b.*\s-o\s+(\S+)\s.*\./cmd/mutasi(\s|$)`)
	for _, st := range stages[:len(stages)-1] {
		for _, l := range st.lines {
			if m := goBuild.FindStringSubmatch(l); m != nil {
				if !strings.Contains(l, "CGO_ENABLED=0") {
					t.Errorf("the build of ./cmd/mutasi does not set CGO_ENABLED=0: %s", l)
				}
				if !strings.HasPrefix(st.image, "golang:1.26") {
					t.Errorf("./cmd/mutasi is built on %s, want golang:1.26", st.image)
				}
				built[st.name] = m[1]
			}
		}
	}
	if len(built) == 0 {
		t.Fatal("no stage runs `go build -o <file> ./cmd/mutasi`")
	}
	// The runtime stage copies that file onto the PATH under the name its
	// ENTRYPOINT runs, as a user other than root.
	final := stages[len(stages)-1]
	var entry []string
	installed := map[string]bool{}
	user := ""
	for _, l := range final.lines {
		f := strings.Fields(l)
		switch strings.ToUpper(f[0]) {
		case "ENTRYPOINT":
			if err := json.Unmarshal([]byte(strings.TrimSpace(l[len(f[0]):])), &entry); err != nil {
				t.Errorf("ENTRYPOINT is not in exec (JSON) form: %s", l)
			}
		case "USER":
			user = f[1]
		case "COPY":
			if len(f) == 4 && strings.HasPrefix(f[1], "--from=") {
				out, ok := built[strings.TrimPrefix(f[1], "--from=")]
				if !ok || f[2] != out {
					continue
				}
				dest := f[3]
				if strings.HasSuffix(dest, "/") {
					dest += path.Base(out)
				}
				installed[dest] = true
			}
		}
	}
	if len(entry) == 0 {
		t.Fatal("the runtime stage has no ENTRYPOINT")
	}
	found := false
	for dest := range installed {
		if entry[0] == dest || (!strings.Contains(entry[0], "/") && path.Base(dest) == entry[0] && onPath(path.Dir(dest))) {
			found = true
		}
	}
	if !found {
		t.Errorf("ENTRYPOINT %q is not the binary built from ./cmd/mutasi (copied to %v)", entry, installed)
	}
	if u, _, _ := strings.Cut(user, ":"); u == "" || u == "root" || u == "0" {
		t.Errorf("the runtime stage runs as %q, want a user other than root", user)
	}
}

// onPath reports whether dir is on the default PATH of the usual base
// images.
func onPath(dir string) bool {
	switch dir {
	case "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin":
		return true
	}
	return false
}
