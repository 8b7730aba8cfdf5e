package importer

import (
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bkpsdm/mutasi/models"
)

// mergeSKP writes the staged records of a SIASN SKP history
// (spec.skpYears) into the SKP lists of their employees
// (models.Employee.SKP): for each NIP among them, the SKP SIASN gave
// before for the history's years go, a staged record takes the place of
// the office's own of its year, and the others stay. Result.Children
// counts under skp the SIASN records removed and the records written; one
// given as it was stored is neither.
func (s *stage) mergeSKP(tx *gorm.DB, res *Result) error {
	rows, years := s.temp(stageRows), *s.imp.skpYears
	var staged []struct {
		NIP       string `gorm:"column:nip"`
		Year      int
		Predicate models.Predicate
	}
	if err := tx.Raw("SELECT nip, year, predicate FROM "+rows+" WHERE cols <> ? ORDER BY nip, year", omitLine).
		Scan(&staged).Error; err != nil {
		return err
	}
	given := map[string][]models.EmployeeSKP{}
	for _, r := range staged {
		given[r.NIP] = append(given[r.NIP], models.EmployeeSKP{Year: r.Year, Predicate: r.Predicate, Source: models.SourceSIASN})
	}
	// The rows stay locked until the merged lists are written: another
	// import of SKP at once waits, instead of writing over this one's.
	// (SQLite's write transactions take the database's lock at once.)
	var held []models.Employee
	if err := tx.Model(&models.Employee{}).Clauses(clause.Locking{Strength: "UPDATE"}).Select("nip", "skp").
		Where("nip IN (SELECT nip FROM " + rows + ")").Order("nip").Find(&held).Error; err != nil {
		return err
	}
	if s.postgres { // each UPDATE below finds its employees by key, not by a scan of them all (write turned nested loops off)
		if err := tx.Exec("SET LOCAL enable_nestloop = on").Error; err != nil {
			return err
		}
	}
	var count ChildCount
	var args []any
	for i, e := range held {
		list := given[e.NIP]
		count.Written += len(list)
		for _, old := range e.SKP {
			switch {
			case old.Source == models.SourceSIASN && old.Year >= years[0] && old.Year <= years[1]:
				if slices.Contains(list, old) { // given as it is: neither removed nor written
					count.Written--
				} else {
					count.Removed++
				}
			case !slices.ContainsFunc(list, func(r models.EmployeeSKP) bool { return r.Year == old.Year }):
				list = append(list, old)
			}
		}
		slices.SortFunc(list, func(a, b models.EmployeeSKP) int { return a.Year - b.Year })
		if merged := jsonList(list); merged != jsonList(e.SKP) { // an unchanged list stays as it is
			args = append(args, e.NIP, merged)
		}
		if len(args) > 0 && (len(args) == BatchParams || i == len(held)-1) {
			if err := setSKP(tx, args); err != nil {
				return err
			}
			args = args[:0]
		}
	}
	res.Children = map[string]ChildCount{s.imp.replace: count}
	return nil
}

// setSKP sets the SKP lists of employees in one statement: args holds
// pairs of a NIP and its list's JSON (nil: none).
func setSKP(tx *gorm.DB, args []any) error {
	values := strings.TrimSuffix(strings.Repeat("(?, ?), ", len(args)/2), ", ")
	return tx.Exec("UPDATE employees SET skp = v.column2 FROM (VALUES "+values+") AS v WHERE employees.nip = v.column1", args...).Error
}
