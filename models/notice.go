package models

import "time"

// Notice is a notification shown in the application (the bell on the
// pages), recorded with the message mailed for it, so that whoever missed
// the mail still sees it. It is addressed to an employee by NIP, or to a
// role (TPK, PPK, HR) and, for approvers scoped to units, to the unit of
// its transfer. It holds no secret: a survey's one-time link is replaced
// by the page to go to.
type Notice struct {
	ID uint `gorm:"primaryKey" json:"id"`
	// Key is the outbox message's key: a retry records nothing twice.
	Key        string `gorm:"size:200;not null;uniqueIndex" json:"-"`
	TransferID string `gorm:"size:80;index" json:"transfer_id,omitempty"`
	Role       Role   `gorm:"size:16;not null;index:idx_notice_to,priority:1" json:"-"`
	NIP        string `gorm:"column:nip;size:18;index:idx_notice_to,priority:2" json:"-"`
	UnitID     string `gorm:"size:32" json:"-"`
	Kind       string `gorm:"size:40;not null" json:"kind"`
	Subject    string `gorm:"not null" json:"subject"`
	Body       string `gorm:"not null" json:"body"`
	// Link is the page of the application the notice is about, such as
	// /me or /inbox.
	Link      string    `gorm:"not null" json:"link"`
	CreatedAt time.Time `json:"created_at"`
}

// NoticeRead records that an account has read a notice: read state is per
// account, so one HR officer's reading leaves another's notice unread.
// AccountID is the actor's ID: an account's username or an API key's
// actor, as long as that is.
type NoticeRead struct {
	AccountID string    `gorm:"primaryKey"`
	NoticeID  uint      `gorm:"primaryKey"`
	ReadAt    time.Time `gorm:"not null"`
}
