package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/account"
	"github.com/bkpsdm/mutasi/models"
)

func init() {
	commands["account"] = command{"manage the web pages' sign-in accounts: account create", runAccount}
}

// stdin is where `mutasi account create` reads the password; tests
// replace it.
var stdin io.Reader = os.Stdin

func runAccount(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: mutasi account create --username NAME --role admin|hr_officer|tpk|ppk|employee [--nip NIP] [--units U1,U2] [--name \"Full Name\"]; the password comes from MUTASI_ACCOUNT_PASSWORD or the first line of standard input")
	}
	fs, c := newFlags("account create", stderr)
	username := fs.String("username", "", "the sign-in name: 3 to 64 lowercase letters, digits, '.', '_' or '-'")
	role := fs.String("role", "", "admin (manages accounts and tokens), hr_officer, tpk, ppk or employee")
	name := fs.String("name", "", "the person's name as the pages show it (default: the username)")
	nip := fs.String("nip", "", "the employee's NIP (role employee)")
	units := fs.String("units", "", "comma-separated unit IDs an approver may act on (default: all)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	password, err := readPassword()
	if err != nil {
		return err
	}
	p := account.Params{Username: *username, Name: *name, Password: password, Role: models.Role(*role), NIP: *nip}
	for _, u := range strings.Split(*units, ",") {
		if u = strings.TrimSpace(u); u != "" {
			p.Units = append(p.Units, u)
		}
	}
	if err := p.Check(); err != nil { // before touching the database
		return err
	}
	gdb, err := c.openDB()
	if err != nil {
		return err
	}
	acc, err := account.Create(gdb, p)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "account %s created (%s)\n", acc.Username, acc.Role)
	return nil
}

// readPassword takes the password from MUTASI_ACCOUNT_PASSWORD or the
// first line of standard input, never from a flag, which other users of
// the machine could read in the process list.
func readPassword() (string, error) {
	if pw := os.Getenv("MUTASI_ACCOUNT_PASSWORD"); pw != "" {
		return pw, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password: set MUTASI_ACCOUNT_PASSWORD or write it on standard input")
	}
	return pw, nil
}

// The dev stack's accounts: admin, the HR officer who runs rounds (the
// name the dev stack has always signed in with), and superadmin, who
// manages the accounts and tokens.
const (
	adminUsername      = "admin"
	superadminUsername = "superadmin"
)

// devAccount makes sure the dev stack has the account username with role
// and returns its password, kept in dir (in username-password) so later
// runs print it again. A password that no longer signs in is replaced,
// and so is the role.
func devAccount(gdb *gorm.DB, dir, username, name string, role models.Role) (string, error) {
	file := filepath.Join(dir, username+"-password")
	if b, err := os.ReadFile(file); err == nil {
		pw := strings.TrimSpace(string(b))
		if acc, err := account.Authenticate(gdb, username, pw); err == nil && acc.Role == role {
			return pw, nil
		}
	}
	secret := make([]byte, 12)
	if _, err := rand.Read(secret); err != nil {
		return "", err
	}
	pw := base64.RawURLEncoding.EncodeToString(secret)
	_, err := account.Create(gdb, account.Params{Username: username, Name: name, Password: pw, Role: role})
	if errors.Is(err, account.ErrExists) {
		err = account.SetPassword(gdb, username, pw)
		if err == nil {
			err = gdb.Model(&models.Account{}).Where("username = ?", username).
				Updates(map[string]any{"role": role, "nip": "", "disabled_at": nil}).Error
		}
	}
	if err != nil {
		return "", err
	}
	return pw, os.WriteFile(file, []byte(pw+"\n"), 0o600)
}
