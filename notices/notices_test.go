package notices_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notices"
	"github.com/bkpsdm/mutasi/testkit"
)

var (
	ctx = context.Background()
	at  = time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
)

// fixture records a notice of each kind of addressee and returns the
// service and the notices' IDs by key.
func fixture(t *testing.T) (*notices.Service, map[string]uint) {
	gdb, _ := testkit.New(t)
	ns := []models.Notice{
		{Key: "empA", Role: models.RoleEmployee, NIP: "199001012015031001"},
		{Key: "empA2", Role: models.RoleEmployee, NIP: "199001012015031001"},
		{Key: "empB", Role: models.RoleEmployee, NIP: "199202022016042002"},
		{Key: "tpkX", Role: models.RoleTPK, UnitID: "X"},
		{Key: "tpkY", Role: models.RoleTPK, UnitID: "Y"},
		{Key: "ppkX", Role: models.RolePPK, UnitID: "X"},
		{Key: "hr", Role: models.RoleHR},
	}
	ids := map[string]uint{}
	for i := range ns {
		n := &ns[i]
		n.Kind, n.Subject, n.Body, n.Link, n.CreatedAt = "socialization", "subject "+n.Key, "body", "/me", at.Add(time.Duration(i)*time.Minute)
		if err := gdb.Create(n).Error; err != nil {
			t.Fatal(err)
		}
		ids[n.Key] = n.ID
	}
	return &notices.Service{DB: gdb}, ids
}

// keys lists the keys of the actor's notices, in the order listed.
func keys(t *testing.T, s *notices.Service, a models.Actor) []string {
	t.Helper()
	l, err := s.List(ctx, a, notices.MaxLimit, 0)
	if err != nil {
		t.Fatalf("list for %+v: %v", a, err)
	}
	var out []string
	for _, n := range l.Items {
		out = append(out, n.Subject[len("subject "):])
	}
	return out
}

func kindOf(err error) apperr.Kind {
	if e, ok := apperr.As(err); ok {
		return e.Kind
	}
	return ""
}

// TestVisibility: each sees only the notices addressed to them: an
// employee their NIP's, an approver their role's within their units, HR
// HR's; a notice of another cannot be marked read; a role without notices
// is refused.
func TestVisibility(t *testing.T) {
	s, ids := fixture(t)
	cases := []struct {
		a    models.Actor
		want []string
	}{
		{models.Actor{ID: "a", Role: models.RoleEmployee, NIP: "199001012015031001"}, []string{"empA2", "empA"}},
		{models.Actor{ID: "b", Role: models.RoleEmployee, NIP: "199202022016042002"}, []string{"empB"}},
		{models.Actor{ID: "tx", Role: models.RoleTPK, Units: []string{"X"}}, []string{"tpkX"}},
		{models.Actor{ID: "tall", Role: models.RoleTPK}, []string{"tpkY", "tpkX"}},
		{models.Actor{ID: "px", Role: models.RolePPK, Units: []string{"Y"}}, nil},
		{models.Actor{ID: "p", Role: models.RolePPK}, []string{"ppkX"}},
		{models.Actor{ID: "h", Role: models.RoleHR}, []string{"hr"}},
	}
	for _, c := range cases {
		got := keys(t, s, c.a)
		if len(got) != len(c.want) {
			t.Errorf("%s sees %v, want %v", c.a.ID, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s sees %v, want %v", c.a.ID, got, c.want)
			}
		}
	}
	b := cases[1].a
	if err := s.MarkRead(ctx, b, ids["empA"], at); kindOf(err) != apperr.KindNotFound {
		t.Errorf("employee B marks A's notice: %v, want not found", err)
	}
	if err := s.MarkRead(ctx, cases[2].a, ids["tpkY"], at); kindOf(err) != apperr.KindNotFound {
		t.Errorf("TPK of unit X marks unit Y's notice: %v, want not found", err)
	}
	for _, a := range []models.Actor{{ID: "sys", Role: models.RoleSystem}, {ID: "e", Role: models.RoleEmployee}} {
		if _, err := s.List(ctx, a, 10, 0); kindOf(err) != apperr.KindForbidden {
			t.Errorf("%+v lists notices: %v, want forbidden", a, err)
		}
	}
	if _, err := s.Unread(ctx, models.Actor{Role: models.RoleHR}); kindOf(err) != apperr.KindUnauth {
		t.Errorf("an actor without an account counts notices: %v", err)
	}
}

// TestReadPerAccount: one HR officer reading a notice leaves it unread for
// another; read notices list after unread ones; reading all marks only the
// reader's.
func TestReadPerAccount(t *testing.T) {
	s, ids := fixture(t)
	h1, h2 := models.Actor{ID: "hr1", Role: models.RoleHR}, models.Actor{ID: "hr2", Role: models.RoleHR}
	if err := s.MarkRead(ctx, h1, ids["hr"], at); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRead(ctx, h1, ids["hr"], at.Add(time.Hour)); err != nil {
		t.Fatalf("reading again: %v", err)
	}
	n1, _ := s.Unread(ctx, h1)
	n2, _ := s.Unread(ctx, h2)
	if n1 != 0 || n2 != 1 {
		t.Errorf("unread after hr1 read: hr1 %d, hr2 %d; want 0, 1", n1, n2)
	}
	l, err := s.List(ctx, h1, 10, 0)
	if err != nil || l.Total != 1 || l.Unread != 0 || len(l.Items) != 1 || l.Items[0].ReadAt == nil || !l.Items[0].ReadAt.Equal(at) {
		t.Errorf("hr1's list: %+v, %v", l, err)
	}
	a := models.Actor{ID: "a", Role: models.RoleEmployee, NIP: "199001012015031001"}
	if err := s.MarkRead(ctx, a, ids["empA2"], at); err != nil {
		t.Fatal(err)
	}
	if got := keys(t, s, a); len(got) != 2 || got[0] != "empA" || got[1] != "empA2" {
		t.Errorf("unread first: %v", got)
	}
	if n, err := s.MarkAllRead(ctx, a, at); err != nil || n != 1 {
		t.Errorf("mark all: %d, %v; want 1", n, err)
	}
	if n, _ := s.Unread(ctx, a); n != 0 {
		t.Errorf("%d unread after marking all", n)
	}
	if n, _ := s.Unread(ctx, models.Actor{ID: "b", Role: models.RoleEmployee, NIP: "199202022016042002"}); n != 1 {
		t.Errorf("B's notice after A marked all: %d unread, want 1", n)
	}
}

// TestPageBounds: a page of none, of more than MaxLimit, or before the
// first is refused naming the parameter; pages move through the list.
func TestPageBounds(t *testing.T) {
	s, _ := fixture(t)
	a := models.Actor{ID: "tall", Role: models.RoleTPK}
	for _, c := range []struct {
		limit, offset int
		field         string
	}{{0, 0, "limit"}, {notices.MaxLimit + 1, 0, "limit"}, {10, -1, "offset"}} {
		_, err := s.List(ctx, a, c.limit, c.offset)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Kind != apperr.KindMalformed || e.Field != c.field {
			t.Errorf("limit %d offset %d: %v, want malformed %s", c.limit, c.offset, err, c.field)
		}
	}
	l, err := s.List(ctx, a, 1, 1)
	if err != nil || l.Total != 2 || len(l.Items) != 1 || l.Items[0].Subject != "subject tpkX" {
		t.Errorf("second page of one: %+v, %v", l, err)
	}
}
