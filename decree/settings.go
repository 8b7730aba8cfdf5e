package decree

import (
	"strings"
	"time"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
)

// FromSettings is a round's decree as its settings say (see
// models.DecreeSettings; empty texts take their defaults): the
// letterhead, the official and the attester, place, subject,
// considerations and legal bases (this package's defaults where the
// settings list none), copies and the signature note. The caller adds the
// number, the date, the movers and the verification URL.
func FromSettings(s models.DecreeSettings) Decree {
	s = s.OrDefaults()
	d := Decree{
		Government: s.Government, Address: s.Address, Region: s.Region, Subject: s.Subject, Place: s.Place,
		Official:       Signer{Title: s.OfficialTitle, Name: s.OfficialName, NIP: s.OfficialNIP, Rank: s.OfficialRank},
		Attester:       Signer{Title: s.AttesterTitle, Name: s.AttesterName, NIP: s.AttesterNIP},
		Considerations: s.Considerations, LegalBases: s.LegalBases, Copies: s.Copies, SignatureNote: s.SignatureNote,
	}
	if len(d.Considerations) == 0 {
		d.Considerations = d.DefaultConsiderations()
	}
	if len(d.LegalBases) == 0 {
		d.LegalBases = DefaultLegalBases()
	}
	return d
}

// settingFields maps the fields Validate names to the settings' own.
var settingFields = map[string]string{
	"Government": "government", "Address": "address", "Region": "region", "Subject": "subject", "Place": "place",
	"Official.Title": "official_title", "Official.Name": "official_name", "Official.NIP": "official_nip",
	"Official.Rank": "official_rank", "Attester.Title": "attester_title", "Attester.Name": "attester_name",
	"Attester.NIP": "attester_nip", "Considerations": "considerations", "LegalBases": "legal_bases",
	"Copies": "copies", "SignatureNote": "signature_note",
}

// CheckSettings checks that a round's decree settings make a decree that
// Validate takes, before the round starts: it returns nil or an
// *apperr.Error naming the first bad setting as settings.decree.<name>.
func CheckSettings(s models.DecreeSettings) error {
	d := FromSettings(s)
	d.Number, d.Date, d.VerifyURL = "1", time.Unix(0, 0), "https://mutasi.invalid/v/x"
	d.Movers = []Mover{{Name: "x", NIP: "198001012005011001", Rank: "x", OldPosition: "x", OldUnit: "x",
		NewPosition: "x", NewUnit: "x", TMT: d.Date}}
	err := d.validate(true)
	e, ok := err.(*apperr.Error)
	if !ok {
		return err
	}
	first := e.Errors[0]
	field := first.Field
	if name, _, _ := strings.Cut(field, "["); settingFields[name] != "" {
		field = settingFields[name] + strings.TrimPrefix(field, name)
	}
	return apperr.Invalid("settings.decree."+field, "pengaturan SK "+field+" "+first.Message, "decree setting "+field+" "+first.MessageEN)
}
