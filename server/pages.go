package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/accounts"
	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/i18n"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notices"
)

// The web pages: server-rendered html/template, embedded in the binary,
// working without JavaScript. Every action calls the same function as the
// API's handler for it, so the workflows validate a page's request and an
// API request alike.

//go:embed templates/*.html static/*
var pageFS embed.FS

// pageTemplates holds one template set per page: the layout, the shared
// partials and the page.
var pageTemplates = loadTemplates()

var pageFuncs = template.FuncMap{
	"date":  func(v any) string { return formatTime(v, "2006-01-02 15:04") },
	"day":   func(v any) string { return formatTime(v, "2006-01-02") },
	"score": func(f float64) string { return fmt.Sprintf("%.3f", f) },
	"str":   func(v any) string { return fmt.Sprint(v) },
	"list":  func(items ...string) []string { return items },
	// dict passes several values to a partial: dict "V" $ "T" .
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}

// formatTime writes a time or a *time.Time in local time; a dash for none.
func formatTime(v any, layout string) string {
	switch t := v.(type) {
	case time.Time:
		return t.Local().Format(layout)
	case *time.Time:
		if t != nil {
			return t.Local().Format(layout)
		}
	}
	return "–"
}

func loadTemplates() map[string]*template.Template {
	files, err := fs.Glob(pageFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		out[name] = template.Must(template.New("layout.html").Funcs(pageFuncs).
			ParseFS(pageFS, "templates/layout.html", f))
	}
	return out
}

// view is what every page template gets: the language, the signed-in
// account, the CSRF token for its forms, a form's errors after a refused
// submission, and the page's own data.
type view struct {
	Lang    string
	Account *models.Account
	CSRF    string
	// Path is the request's path, for the language switch.
	Path  string
	Title string
	Flash string
	Form  *formState
	Data  any
	// Bell says the signed-in account's role receives notices; Unread is
	// how many it has not read.
	Bell   bool
	Unread int64
	// status is the HTTP status the page is served with.
	status int
}

// formState is a refused form: which form, the message for the whole
// form, the messages by field, row-level errors of an import, and the
// values sent, to fill the form again.
type formState struct {
	ID      string
	Summary string
	Fields  map[string]string
	Rows    []apperr.FieldError
	More    int // the row errors counted but not listed
	Values  url.Values
}

// T returns the text of key in the page's language.
func (v *view) T(key string, args ...any) string { return i18n.T(v.Lang, key, args...) }

// Pick returns the Indonesian or the English of a message that comes in
// both, such as an exclusion's rule or a workflow's refusal.
func (v *view) Pick(id, en string) string { return i18n.Pick(v.Lang, id, en) }

// Err returns the error of a field of a form, if that form was refused.
func (v *view) Err(form, field string) string {
	if v.Form == nil || v.Form.ID != form {
		return ""
	}
	return v.Form.Fields[field]
}

// FormError returns the message of a refused form, if it is form.
func (v *view) FormError(form string) string {
	if v.Form == nil || v.Form.ID != form {
		return ""
	}
	return v.Form.Summary
}

// Val returns the value sent in a refused form's field, or def.
func (v *view) Val(form, field string, def any) string {
	if v.Form != nil && v.Form.ID == form && v.Form.Values != nil {
		if vals, ok := v.Form.Values[field]; ok && len(vals) > 0 {
			return vals[0]
		}
	}
	if def == nil {
		return ""
	}
	return fmt.Sprint(def)
}

// Checked reports whether a refused form had value among field's values.
func (v *view) Checked(form, field, value string) bool {
	return v.Form != nil && v.Form.ID == form && slices.Contains(v.Form.Values[field], value)
}

// Is reports whether the signed-in account has one of the roles.
func (v *view) Is(roles ...string) bool {
	return v.Account != nil && slices.Contains(roles, string(v.Account.Role))
}

// LangURL is the current page in another language.
func (v *view) LangURL(lang string) string { return v.Path + "?lang=" + lang }

// mountPages adds the web pages to r.
func (s *Server) mountPages(r *gin.Engine) {
	static, _ := fs.Sub(pageFS, "static")
	r.StaticFS("/static", http.FS(static))
	p := r.Group("", s.withSession)
	hr, approvers := []models.Role{models.RoleHR}, []models.Role{models.RoleTPK, models.RolePPK}
	readers := []models.Role{models.RoleHR, models.RoleTPK, models.RolePPK}
	admin, tokens := []models.Role{models.RoleAdmin}, []models.Role{models.RoleHR, models.RoleAdmin}
	signedIn := append(append([]models.Role{}, readers...), models.RoleEmployee)
	// anyone is every role the pages know, the admin too, who sees no
	// transfer.
	anyone := append(slices.Clone(signedIn), models.RoleAdmin)
	p.GET("/", s.page(s.home, anyone...))
	p.GET("/signin", s.page(s.signInPage))
	p.POST("/signin", s.page(s.signIn))
	p.GET("/signin/sso", s.page(s.ssoStart))
	p.GET("/signin/sso/callback", s.page(s.ssoCallback))
	p.GET("/signin/sso/choice", s.page(s.ssoChoicePage))
	p.POST("/signin/sso/choice", s.page(s.ssoChoice))
	p.POST("/signout", s.page(s.signOut, anyone...))
	p.GET("/password-reset", s.page(s.forgotPage))
	p.POST("/password-reset", s.page(s.forgotForm))
	p.GET(accounts.LinkPath+":token", s.page(s.linkPage))
	p.POST(accounts.LinkPath+":token", s.page(s.linkForm))

	p.GET("/dashboard", s.page(s.dashboardPage, hr...))
	p.GET("/rounds/new", s.page(s.newRoundPage, hr...))
	p.POST("/rounds", s.page(s.startRoundForm, hr...))
	p.GET("/rounds/:id", s.page(s.roundPage, readers...))
	p.POST("/rounds/:id/confirmation", s.page(s.confirmForm, hr...))
	p.POST("/rounds/:id/replan", s.page(s.replanForm, hr...))
	p.GET("/rounds/:id/evaluation", s.page(s.evaluationPage, readers...))
	p.GET("/evaluations", s.page(s.periodPage, readers...))
	p.GET("/queues", s.page(s.queuesPage, hr...))
	p.GET("/tokens", s.page(s.tokensPage, tokens...))
	p.POST("/tokens/:id/revocation", s.page(s.revokeTokenForm, tokens...))
	p.GET("/accounts", s.page(s.accountsPage, admin...))
	p.POST("/accounts", s.page(s.createAccountForm, admin...))
	p.GET("/accounts/:username", s.page(s.accountPage, admin...))
	p.POST("/accounts/:username/disablement", s.page(s.accountForm("status", s.disableForm(true)), admin...))
	p.POST("/accounts/:username/enablement", s.page(s.accountForm("status", s.disableForm(false)), admin...))
	p.POST("/accounts/:username/password-reset", s.page(s.accountForm("password", s.passwordForm), admin...))
	p.POST("/accounts/:username/role", s.page(s.accountForm("role", s.roleForm), admin...))
	p.POST("/accounts/:username/session-revocation", s.page(s.accountForm("sessions", s.sessionsForm), admin...))
	p.POST("/invitations/employees", s.page(s.inviteEmployeesForm, admin...))
	p.GET("/imports", s.page(s.importPage, hr...))
	p.POST("/imports", bodyLimit(maxImportBody), s.page(s.importForm, hr...))

	p.GET("/transfers/:id", s.page(s.transferPage, signedIn...))
	p.POST("/transfers/:id/decision", s.page(s.decisionForm, approvers...))
	p.POST("/transfers/:id/resolution", s.page(s.resolutionForm, hr...))
	p.POST("/transfers/:id/withdrawal", s.page(s.withdrawalForm, hr...))
	p.POST("/transfers/:id/minister-approval", s.page(s.ministerApprovalForm, hr...))
	p.POST("/transfers/:id/training-completion", s.page(s.trainingForm, hr...))
	p.POST("/transfers/:id/acknowledgement", s.page(s.acknowledgeForm, models.RoleEmployee))
	p.POST("/transfers/:id/objection", s.page(s.objectionForm, models.RoleEmployee))

	p.GET("/inbox", s.page(s.inboxPage, approvers...))
	p.POST("/inbox/decisions", s.page(s.bulkDecisionForm, approvers...))
	p.GET("/decisions", s.page(s.decisionsPage, approvers...))

	p.GET("/notices", s.page(s.noticesPage, signedIn...))
	p.POST("/notices/read", s.page(s.readAllNoticesForm, signedIn...))
	p.POST("/notices/:id/read", s.page(s.readNoticeForm, signedIn...))

	p.GET("/me", s.page(s.myTransferPage, models.RoleEmployee))
	p.GET("/me/training", s.page(s.myTrainingPage, models.RoleEmployee))

	p.GET(contract.SurveyPath+":token", s.page(s.surveyPage))
	p.GET(contract.DecreeVerifyPath+":token", s.page(s.verifyPage))
	p.POST("/rounds/:id/decrees/:decree/revocation", s.page(s.revokeForm, hr...))
	p.POST(contract.SurveyPath+":token", s.page(s.surveyForm))
}

// pageHandler serves one page or form.
type pageHandler func(c *gin.Context, v *view) error

// page wraps a page handler: the language, the session (roles: who may
// see the page; none: anyone), the CSRF token of every POST, the text of
// the path's parameters and the form's values, and errors turned into an
// error page.
func (s *Server) page(h pageHandler, roles ...models.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		limitBody(c)
		v := &view{Lang: pageLang(c), Path: c.Request.URL.Path}
		if sess := currentSession(c); sess != nil {
			v.Account = &sess.account
		}
		c.Header("Cache-Control", "no-store")
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Referrer-Policy", "no-referrer")
		c.Header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		post := c.Request.Method == http.MethodPost
		if len(roles) > 0 && v.Account == nil {
			if post {
				s.pageError(c, v, apperr.New(apperr.KindUnauth, "", "silakan masuk terlebih dahulu", "please sign in first"))
				return
			}
			c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(c.Request.URL.RequestURI()))
			return
		}
		if post && !checkCSRF(c) {
			s.Log.Warn("CSRF token refused", "path", c.Request.URL.Path)
			s.pageError(c, v, apperr.New(apperr.KindForbidden, csrfField, "formulir kedaluwarsa atau tidak sah (CSRF); muat ulang halaman dan coba lagi",
				"the form has expired or is not valid (CSRF); reload the page and try again"))
			return
		}
		v.CSRF = csrfToken(csrfSeed(c, true))
		if msg := c.Query("msg"); msg != "" {
			if t := i18n.T(v.Lang, "flash."+msg); t != "flash."+msg {
				v.Flash = t
			}
		}
		if len(roles) > 0 && !slices.Contains(roles, v.Account.Role) {
			s.pageError(c, v, apperr.New(apperr.KindForbidden, "", "peran "+string(v.Account.Role)+" tidak berwenang untuk halaman atau tindakan ini",
				"the role "+string(v.Account.Role)+" may not see this page or do this"))
			return
		}
		if err := checkRequest(c); err != nil {
			s.pageError(c, v, err)
			return
		}
		v.Bell, v.Unread = v.Account != nil && slices.Contains(notices.Receivers, v.Account.Role), s.unread(c, v.Account)
		if err := h(c, v); err != nil {
			s.pageError(c, v, err)
		}
	}
}

// pageLang is the visitor's language: ?lang= (remembered in a cookie),
// else the cookie, else Bahasa Indonesia.
func pageLang(c *gin.Context) string {
	if l := c.Query("lang"); i18n.Known(l) {
		http.SetCookie(c.Writer, &http.Cookie{Name: "mutasi_lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: secureRequest(c), SameSite: http.SameSiteLaxMode})
		return l
	}
	if l, err := c.Cookie("mutasi_lang"); err == nil && i18n.Known(l) {
		return l
	}
	return i18n.Default
}

// render serves a page with its data.
func (s *Server) render(c *gin.Context, v *view, name, title string, data any) error {
	t, ok := pageTemplates[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	v.Title, v.Data = v.T(title), data
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	status := v.status
	if status == 0 {
		status = http.StatusOK
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	return nil
}

// pageError serves the error page for err, with the status the API would
// answer.
func (s *Server) pageError(c *gin.Context, v *view, err error) {
	p := problemOf(c, s.Log, err)
	v.status = p.Status
	if rerr := s.render(c, v, "error", "title.error", p); rerr != nil {
		s.Log.Error("render error page", "error", rerr)
		c.String(p.Status, p.Detail)
	}
	c.Abort()
}

// formFailed shows a refused form again on its page, with the error next
// to the field it names; errors that are not about the form get the error
// page.
func (s *Server) formFailed(c *gin.Context, v *view, form string, err error, reload pageHandler) error {
	p := problemOf(c, s.Log, err)
	if p.kind == apperr.KindNotFound || p.serverFault() {
		return err
	}
	f := &formState{ID: form, Summary: v.Pick(p.Detail, p.DetailEN), Fields: map[string]string{}, Values: c.Request.PostForm}
	if p.Field != "" {
		f.Fields[p.Field] = f.Summary
	}
	for _, e := range p.Errors {
		if e.Row > 0 {
			f.Rows = append(f.Rows, e)
		} else {
			f.Fields[e.Field] = v.Pick(e.Message, e.MessageEN)
		}
	}
	f.More = max(p.ErrorCount-len(p.Errors), 0)
	v.Form, v.status = f, p.Status
	return reload(c, v)
}

// done sends the browser on after a successful form, with a message.
func done(c *gin.Context, to, msg string) error {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	c.Redirect(http.StatusSeeOther, to+sep+"msg="+url.QueryEscape(msg))
	return nil
}

// home sends a signed-in person to their role's first page.
func (s *Server) home(c *gin.Context, v *view) error {
	c.Redirect(http.StatusSeeOther, homeOf(v.Account.Role))
	return nil
}
