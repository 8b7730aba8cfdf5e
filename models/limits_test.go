package models

import (
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm/schema"
)

// TestColumnsHoldTheirIDs checks every column that holds an identifier
// against the identifier's limit: each is at least as wide, so nothing the
// API accepts is too long for PostgreSQL. A new sized column named id,
// *_id or *nip must be listed here, with its limit or as one the system
// makes itself.
func TestColumnsHoldTheirIDs(t *testing.T) {
	limits := map[string]int{
		"rounds.id": MaxRoundID, "round_id": MaxRoundID,
		"units.id": MaxUnitID, "unit_id": MaxUnitID, "from_unit_id": MaxUnitID, "to_unit_id": MaxUnitID,
		"positions.id": MaxPositionID, "position_id": MaxPositionID,
		"from_position_id": MaxPositionID, "to_position_id": MaxPositionID,
		"transfers.id": MaxTransferID, "transfer_id": MaxTransferID,
		"nip": NIPLength, "incumbent_nip": NIPLength,
		"position_competencies.name": MaxCompetencyName,
		"unor_id":                    MaxSIASNID, "siasn_jabatan_id": MaxSIASNID, "siasn_pns_id": MaxSIASNID, "record_id": MaxSIASNID, "jabatan_id": MaxSIASNID,
	}
	// The system's own identifiers: workflow ids (checked against their
	// columns in package activities), API key prefixes, session ids and
	// decree tokens (22 characters, activities.DecreeToken), survey
	// answers' random ids (32 hex characters), SSO sign-ins' state
	// hashes (64 hex characters), account links' SHA-256.
	own := map[string]bool{"workflow_id": true, "api_keys.id": true, "sessions.id": true, "decree_documents.id": true,
		"survey_answers.id": true, "sso_logins.id": true, "account_links.id": true}
	checked := map[string]bool{}
	for _, m := range All() {
		s, err := schema.Parse(m, &sync.Map{}, schema.NamingStrategy{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range s.Fields {
			if f.DBName == "" || f.DataType != schema.String {
				continue
			}
			qualified := s.Table + "." + f.DBName
			limit, ok := limits[qualified]
			if !ok {
				limit, ok = limits[f.DBName]
			}
			switch {
			case ok:
				checked[qualified] = true
				if f.Size < limit {
					t.Errorf("%s holds %d characters, its identifier up to %d", qualified, f.Size, limit)
				}
			case own[qualified] || own[f.DBName] || f.Size == 0:
			case f.DBName == "id" || strings.HasSuffix(f.DBName, "_id") || strings.HasSuffix(f.DBName, "nip"):
				t.Errorf("%s (size %d) is an identifier with no limit: add it to the test", qualified, f.Size)
			}
		}
	}
	for _, col := range []string{"transfers.id", "position_histories.transfer_id", "units.id", "position_competencies.name"} {
		if !checked[col] {
			t.Errorf("%s was not checked", col)
		}
	}
}
