// Package account keeps the web pages' local accounts and their sessions.
// Passwords are stored as argon2id hashes in the PHC string format, with
// their parameters, so the cost can be raised later without breaking old
// hashes. A session is an opaque random token in a cookie; only its
// SHA-256 is stored, as with API tokens.
package account

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
)

// ErrInvalid is returned for a wrong username or password, a disabled
// account, and an unknown or expired session: callers cannot tell which.
var ErrInvalid = errors.New("wrong username or password, or the session has ended")

// ErrExists is returned when creating an account whose username is taken.
var ErrExists = errors.New("the username is taken")

// The password rules.
const (
	MinPassword = 12
	MaxPassword = 256
)

// SessionTTL is how long a session lasts from sign-in.
const SessionTTL = 12 * time.Hour

// The argon2id parameters of new hashes: OWASP's first recommendation
// (19 MiB, two passes, one lane), kept modest so that a burst of sign-ins
// cannot exhaust the server's memory; hashing also runs at most
// hashSlots at a time.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
	hashSlots    = 4
)

var slots = make(chan struct{}, hashSlots)

func argon(password, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	slots <- struct{}{}
	defer func() { <-slots }()
	return argon2.IDKey(password, salt, t, m, p, n)
}

// HashPassword returns the PHC string of a new argon2id hash of password.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the PHC string hash.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the username is unknown, so a wrong
// username takes as long as a wrong password.
var dummyHash, _ = HashPassword("mutasi-no-such-account")

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// Params describe a new account.
type Params struct {
	Username string
	Name     string
	Password string
	Role     models.Role
	// NIP ties an employee's account to the employee.
	NIP string
	// Units limits an approver to transfers into these units (none: all).
	Units []string
	// Email is where the account's invitation and password-reset links
	// go (optional).
	Email string
}

// Check reports what is wrong with p, or nil: an *apperr.Error naming
// the field at fault.
func (p Params) Check() error {
	if err := p.CheckInvited(); err != nil {
		return err
	}
	return CheckNewPassword(p.Password)
}

// CheckInvited is Check but for the password, which an invited account
// has not yet.
func (p Params) CheckInvited() error {
	if !usernamePattern.MatchString(p.Username) {
		return apperr.Invalid("username", "nama pengguna harus 3 sampai 64 huruf kecil, angka, '.', '_' atau '-'",
			"the username must be 3 to 64 lowercase letters, digits, '.', '_' or '-'")
	}
	if p.Email != "" {
		if err := models.CheckEmail(p.Email); err != nil {
			return apperr.Invalid("email", "alamat surel tidak sah", "the e-mail address is not valid")
		}
	}
	return CheckRole(p.Role, p.NIP, p.Units)
}

// CheckRole reports what is wrong with an account's role, NIP and units:
// only an employee has a NIP, which it must have; only approvers (TPK,
// PPK) have units.
func CheckRole(role models.Role, nip string, units []string) error {
	if !slices.Contains(models.AccountRoles, role) {
		names := make([]string, len(models.AccountRoles))
		for i, r := range models.AccountRoles {
			names[i] = string(r)
		}
		list := strings.Join(names, ", ")
		return apperr.Invalid("role", fmt.Sprintf("peran harus salah satu dari %s, bukan %q", list, role),
			fmt.Sprintf("the role must be one of %s, not %q", list, role))
	}
	if role != models.RoleEmployee {
		if nip != "" {
			return apperr.Invalid("nip", "hanya akun pegawai yang memiliki NIP", "only an employee's account has a NIP")
		}
		if len(units) > 0 && role != models.RoleTPK && role != models.RolePPK {
			return apperr.Invalid("units", "hanya akun TPK dan PPK yang dibatasi pada unit", "only a TPK's or PPK's account is limited to units")
		}
		return nil
	}
	if _, err := models.ParseNIP(nip); err != nil {
		return apperr.Invalid("nip", "akun pegawai memerlukan NIP pegawai: "+err.Error(),
			"an employee's account needs the employee's NIP: "+err.Error())
	}
	if len(units) > 0 {
		return apperr.Invalid("units", "akun pegawai tidak memiliki unit", "an employee's account has no units")
	}
	return nil
}

// CheckNewPassword reports whether a password is long enough to be set.
func CheckNewPassword(pw string) error {
	if n := len([]rune(pw)); n < MinPassword || len(pw) > MaxPassword {
		return apperr.Invalid("password", fmt.Sprintf("kata sandi harus %d sampai %d karakter", MinPassword, MaxPassword),
			fmt.Sprintf("the password must be %d to %d characters", MinPassword, MaxPassword))
	}
	return nil
}

// NewPassword returns a random password of 20 characters, to be shown
// once to whoever sets it.
func NewPassword() string {
	return rand.Text()[:20]
}

// Username is a typed username as it is stored: trimmed and lower-cased.
func Username(typed string) string {
	return strings.ToLower(strings.TrimSpace(typed))
}

// Create stores a new account.
func Create(gdb *gorm.DB, p Params) (models.Account, error) {
	p.Username = Username(p.Username)
	if err := p.Check(); err != nil {
		return models.Account{}, err
	}
	hash, err := HashPassword(p.Password)
	if err != nil {
		return models.Account{}, err
	}
	return create(gdb, p, hash)
}

// CreateInvited stores a new account without a password (p.Password is
// ignored): nobody can sign in to it until its owner sets one from an
// invitation's link.
func CreateInvited(gdb *gorm.DB, p Params) (models.Account, error) {
	p.Username = Username(p.Username)
	if err := p.CheckInvited(); err != nil {
		return models.Account{}, err
	}
	return create(gdb, p, "")
}

// create stores a checked account with the password's hash (empty: none
// yet).
func create(gdb *gorm.DB, p Params, hash string) (models.Account, error) {
	acc := models.Account{Username: p.Username, Name: strings.TrimSpace(p.Name), PasswordHash: hash, Role: p.Role,
		NIP: p.NIP, Email: p.Email, EmailKey: models.EmailKey(p.Email), Units: p.Units, CreatedAt: time.Now()}
	if acc.Name == "" {
		acc.Name = acc.Username
	}
	res := gdb.Where(models.Account{Username: acc.Username}).Attrs(acc).FirstOrCreate(&models.Account{})
	if res.Error != nil {
		return models.Account{}, res.Error
	}
	if res.RowsAffected == 0 {
		return models.Account{}, ErrExists
	}
	return acc, nil
}

// SetPassword replaces an account's password.
func SetPassword(gdb *gorm.DB, username, password string) error {
	if err := CheckNewPassword(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	res := gdb.Model(&models.Account{}).Where("username = ?", username).Update("password_hash", hash)
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrInvalid
	}
	return res.Error
}

// Authenticate returns the enabled account with this username and
// password.
func Authenticate(gdb *gorm.DB, username, password string) (models.Account, error) {
	var acc models.Account
	err := gdb.First(&acc, "username = ?", Username(username)).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		CheckPassword(dummyHash, password)
		return acc, ErrInvalid
	}
	if err != nil {
		return acc, err
	}
	if acc.PasswordHash == "" { // invited, no password yet: as long as a wrong one
		CheckPassword(dummyHash, password)
		return models.Account{}, ErrInvalid
	}
	if !CheckPassword(acc.PasswordHash, password) || acc.DisabledAt != nil {
		return models.Account{}, ErrInvalid
	}
	return acc, nil
}

// StartSession opens a session for an account and returns its token, the
// cookie's value.
func StartSession(gdb *gorm.DB, acc models.Account, now time.Time) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	s := models.Session{ID: sessionID(token), Username: acc.Username, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	if err := gdb.Create(&s).Error; err != nil {
		return "", err
	}
	if err := gdb.Model(&models.Account{}).Where("username = ?", acc.Username).Update("last_sign_in_at", now).Error; err != nil {
		return "", err
	}
	// Expired sessions of anyone are swept on the way.
	gdb.Where("expires_at < ?", now).Delete(&models.Session{})
	return token, nil
}

// LookupSession returns the account of a live session.
func LookupSession(gdb *gorm.DB, token string, now time.Time) (models.Account, error) {
	var acc models.Account
	if token == "" || len(token) > 100 {
		return acc, ErrInvalid
	}
	var s models.Session
	err := gdb.First(&s, "id = ? AND expires_at > ?", sessionID(token), now).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return acc, ErrInvalid
	}
	if err != nil {
		return acc, err
	}
	err = gdb.First(&acc, "username = ? AND disabled_at IS NULL", s.Username).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return acc, ErrInvalid
	}
	return acc, err
}

// EndSession ends the session with this token.
func EndSession(gdb *gorm.DB, token string) error {
	return gdb.Where("id = ?", sessionID(token)).Delete(&models.Session{}).Error
}

// Sessions lists an account's live sessions, newest first.
func Sessions(gdb *gorm.DB, username string, now time.Time) ([]models.Session, error) {
	var out []models.Session
	err := gdb.Where("username = ? AND expires_at > ?", username, now).Order("created_at DESC").Find(&out).Error
	return out, err
}

// EndSessions ends an account's sessions: all of them, or those whose IDs
// are given. It returns how many it ended.
func EndSessions(gdb *gorm.DB, username string, ids ...string) (int64, error) {
	q := gdb.Where("username = ?", username)
	if len(ids) > 0 {
		q = q.Where("id IN ?", ids)
	}
	res := q.Delete(&models.Session{})
	return res.RowsAffected, res.Error
}

func sessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
