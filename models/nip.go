package models

import (
	"fmt"
	"time"
)

// NIP is a parsed 18-digit civil-servant number (Nomor Induk Pegawai):
// birth date YYYYMMDD, start of service as CPNS YYYYMM, sex (1 male,
// 2 female) and a 3-digit serial.
type NIP struct {
	BirthDate    time.Time
	ServiceStart time.Time // first day of the CPNS start month
	Sex          int       // 1 male, 2 female
	Serial       int
}

// MinCPNSAge is the youngest age at which one becomes a CPNS (PP 11/2017
// Pasal 23(1)a: applicants are at least 18).
const MinCPNSAge = 18

// ParseNIP validates s as a NIP and reads its parts. The error says which
// part is wrong. A birth date after today, or a CPNS start before the 18th
// birthday (the minimum age of a CPNS applicant), is refused.
func ParseNIP(s string) (NIP, error) {
	if len(s) != NIPLength {
		return NIP{}, fmt.Errorf("NIP must have %d digits, got %d characters", NIPLength, len(s))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return NIP{}, fmt.Errorf("NIP must contain digits only (position %d is %q)", i+1, s[i])
		}
	}
	birth, err := time.Parse("20060102", s[0:8])
	if err != nil {
		return NIP{}, fmt.Errorf("NIP birth date %s is not a valid date", s[0:8])
	}
	start, err := time.Parse("200601", s[8:14])
	if err != nil {
		return NIP{}, fmt.Errorf("NIP service start %s is not a valid month", s[8:14])
	}
	if birth.After(time.Now()) {
		return NIP{}, fmt.Errorf("NIP birth date %s is in the future", s[0:8])
	}
	if start.Before(birth.AddDate(MinCPNSAge, 0, 0)) {
		return NIP{}, fmt.Errorf("NIP service start %s is before the %dth birthday", s[8:14], MinCPNSAge)
	}
	sex := int(s[14] - '0')
	if sex != 1 && sex != 2 {
		return NIP{}, fmt.Errorf("NIP sex digit must be 1 or 2, got %d", sex)
	}
	serial := int(s[15]-'0')*100 + int(s[16]-'0')*10 + int(s[17]-'0')
	if serial == 0 {
		return NIP{}, fmt.Errorf("NIP serial must not be 000")
	}
	return NIP{BirthDate: birth, ServiceStart: start, Sex: sex, Serial: serial}, nil
}
