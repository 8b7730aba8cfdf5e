package db

import "gorm.io/gorm"

// moveEmployeeCompetencies moves the employees' competencies from the
// table databases made before they were kept in the employee's row
// (employee_competencies: nip, name, level) to employees.competencies, a
// JSON list in name order, and drops the table, in one transaction. With
// no old table left it does nothing, so it runs any number of times.
func moveEmployeeCompetencies(conn *gorm.DB) error {
	if !conn.Migrator().HasTable("employee_competencies") {
		return nil
	}
	list := `SELECT nip, json_agg(json_build_object('name', name, 'level', level) ORDER BY name)::text AS list
		FROM employee_competencies GROUP BY nip`
	if IsSQLite(conn) {
		list = `SELECT nip, json_group_array(json_object('name', name, 'level', level) ORDER BY name) AS list
		FROM employee_competencies GROUP BY nip`
	}
	return conn.Transaction(func(tx *gorm.DB) error {
		err := tx.Exec("UPDATE employees SET competencies = c.list FROM (" + list + ") AS c WHERE employees.nip = c.nip").Error
		if err != nil {
			return err
		}
		return tx.Exec("DROP TABLE employee_competencies").Error
	})
}
