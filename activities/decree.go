package activities

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/decree"
	"github.com/bkpsdm/mutasi/models"
)

// DecreeToken is the token of a collective decree's public verification
// page: the HMAC of its number under secret, so that a retry issues the
// same one and nobody can guess another decree's from its number.
func DecreeToken(secret []byte, number string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("decree\x00" + number))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// issueDocument writes the collective decree that moves the transfers
// on dec's TMT: what it says from the round's settings and the movers'
// records, the PDF made from it with a QR code of its verification page,
// and its SHA-256, with a line in the audit trail.
func (a *Activities) issueDocument(tx *gorm.DB, round models.Round, dec models.Decree, moving []models.Transfer) error {
	loc := time.UTC
	if l, err := round.Settings.Location(); err == nil && l != nil {
		loc = l
	}
	d := decree.FromSettings(round.Settings.Decree)
	token := DecreeToken(a.LinkSecret, dec.Number)
	d.Number, d.Date = dec.Number, dec.IssuedAt.In(loc)
	d.Logo = a.DecreeLogo
	d.VerifyURL = strings.TrimSuffix(cmp.Or(a.BaseURL, "http://localhost"), "/") + contract.DecreeVerifyPath + token
	movers, err := movers(tx, moving, dec.EffectiveDate.In(loc))
	if err != nil {
		return err
	}
	d.Movers = movers
	var pdf bytes.Buffer
	if err := d.Collective(&pdf); err != nil {
		return err
	}
	content, err := json.Marshal(d)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(pdf.Bytes())
	doc := models.DecreeDocument{ID: token, Number: dec.Number, RoundID: round.ID, EffectiveDate: dec.EffectiveDate,
		IssuedAt: dec.IssuedAt, Movers: len(movers), SHA256: hex.EncodeToString(sum[:]), PDF: pdf.Bytes(), Content: content}
	if err := tx.Create(&doc).Error; err != nil {
		return err
	}
	return audit(tx, "decree:"+dec.Number, models.AuditEntry{RoundID: round.ID, ActorID: "system", Role: models.RoleSystem,
		Action: models.ActionDecreeIssued, Detail: dec.Number + " sha256:" + doc.SHA256, At: dec.IssuedAt})
}

// movers are the decree's lines for the transfers: each employee's name,
// NIP and rank, the position and unit left and those taken, in the order
// of the new unit, the new position and the name.
func movers(tx *gorm.DB, ts []models.Transfer, tmt time.Time) ([]decree.Mover, error) {
	nips, positions, units := make([]string, len(ts)), []string{}, []string{}
	for i, t := range ts {
		nips[i] = t.NIP
		positions = append(positions, t.FromPositionID, t.ToPositionID)
		units = append(units, t.FromUnitID, t.ToUnitID)
	}
	var emps []models.Employee
	var poss []models.Position
	var us []models.Unit
	for _, q := range []struct {
		rows any
		cols []string
		ids  []string
	}{{&emps, []string{"nip", "name", "rank"}, nips}, {&poss, []string{"id", "name"}, positions}, {&us, []string{"id", "name"}, units}} {
		for part := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(q.ids))), 1000) {
			if err := tx.Select(q.cols).Where(q.cols[0]+" IN ?", part).Find(q.rows).Error; err != nil {
				return nil, err
			}
		}
	}
	emp := map[string]models.Employee{}
	for _, e := range emps {
		emp[e.NIP] = e
	}
	name := map[string]string{}
	for _, p := range poss {
		name["p:"+p.ID] = p.Name
	}
	for _, u := range us {
		name["u:"+u.ID] = u.Name
	}
	// A record the decree cannot name (an employee who held no position)
	// shows a dash: no data may stop a decree once its transfers are due.
	or := func(v string) string { return cmp.Or(v, "-") }
	out := make([]decree.Mover, len(ts))
	for i, t := range ts {
		e := emp[t.NIP]
		out[i] = decree.Mover{Name: cmp.Or(e.Name, t.NIP), NIP: t.NIP, Rank: or(decree.RankLabel(e.Rank)),
			OldPosition: or(name["p:"+t.FromPositionID]), OldUnit: or(name["u:"+t.FromUnitID]),
			NewPosition: or(name["p:"+t.ToPositionID]), NewUnit: or(name["u:"+t.ToUnitID]), TMT: tmt}
	}
	slices.SortFunc(out, func(x, y decree.Mover) int {
		return cmp.Or(cmp.Compare(x.NewUnit, y.NewUnit), cmp.Compare(x.NewPosition, y.NewPosition),
			cmp.Compare(x.Name, y.Name), cmp.Compare(x.NIP, y.NIP))
	})
	return out, nil
}
