package notify

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/bkpsdm/mutasi/models"
)

// Kind names a notification.
type Kind string

// The notifications Mutasi sends.
const (
	DecisionRequested   Kind = "decision_requested"   // to the TPK or PPK
	DecisionReminder    Kind = "decision_reminder"    // to the TPK, PPK or HR
	DecisionEscalated   Kind = "decision_escalated"   // to HR
	Socialization       Kind = "socialization"        // to the employee
	AcknowledgeReminder Kind = "acknowledge_reminder" // to the employee
	ObjectionReceived   Kind = "objection_received"   // to HR
	TransferRejected    Kind = "transfer_rejected"    // to HR
	TransferCancelled   Kind = "transfer_cancelled"   // to the employee
	TransferBlocked     Kind = "transfer_blocked"     // to HR
	RecheckFailed       Kind = "recheck_failed"       // to HR
	TrainingAssigned    Kind = "training_assigned"    // to the employee
	TrainingMissed      Kind = "training_missed"      // to HR
	TransferEffective   Kind = "transfer_effective"   // to the employee
	SurveyInvitation    Kind = "survey_invitation"    // to the employee
	SurveyReminder      Kind = "survey_reminder"      // to the employee
)

// Data fills a notification's template.
type Data struct {
	Name         string // the employee
	NIP          string
	FromPosition string
	ToPosition   string
	ToUnit       string
	Reason       string // why the transfer is proposed, or a decision's reason
	Step         string // "TPK", "PPK" or "HR" for decision notices
	Deadline     time.Time
	Effective    time.Time
	DecreeNumber string
	Link         string
	TransferID   string
	Training     bool // training is offered as support
}

type text struct{ subject, body string }

// texts holds every notification in Bahasa Indonesia ("id") and English ("en").
var texts = map[string]map[Kind]text{
	"id": {
		DecisionRequested: {"Mohon keputusan {{.Step}}: mutasi {{.Name}}",
			"Mohon keputusan {{.Step}} atas usulan mutasi {{.Name}} (NIP {{.NIP}}) dari {{.FromPosition}} ke {{.ToPosition}}, {{.ToUnit}}.\nAlasan usulan: {{.Reason}}\nBatas waktu: {{date .Deadline}}.\nNomor usulan: {{.TransferID}}"},
		DecisionReminder: {"Pengingat: keputusan {{.Step}} untuk mutasi {{.Name}} belum ada",
			"Keputusan {{.Step}} atas usulan mutasi {{.Name}} (NIP {{.NIP}}) ke {{.ToPosition}} masih ditunggu.\nNomor usulan: {{.TransferID}}"},
		DecisionEscalated: {"Eskalasi: keputusan {{.Step}} untuk mutasi {{.Name}} terlambat",
			"Keputusan {{.Step}} atas usulan mutasi {{.Name}} (NIP {{.NIP}}) ke {{.ToPosition}} melewati batas waktu dan perlu ditindaklanjuti.\nNomor usulan: {{.TransferID}}"},
		Socialization: {"Pemberitahuan mutasi: {{.ToPosition}}",
			"Yth. {{.Name}},\n\nAnda akan dimutasi dari {{.FromPosition}} ke {{.ToPosition}}, {{.ToUnit}}.\nAlasan: {{.Reason}}\n{{if .Training}}Dukungan: pelatihan akan disediakan untuk jabatan baru.\n{{end}}Mohon nyatakan menerima atau ajukan keberatan (kompetensi, keluarga/lokasi, beban kerja, kesehatan, lainnya) paling lambat {{date .Deadline}}. Tanpa tanggapan sampai batas itu, Anda dianggap menerima.\nNomor mutasi: {{.TransferID}}"},
		AcknowledgeReminder: {"Pengingat: tanggapan atas pemberitahuan mutasi",
			"Yth. {{.Name}},\n\nMohon nyatakan menerima atau ajukan keberatan atas mutasi ke {{.ToPosition}} paling lambat {{date .Deadline}}.\nNomor mutasi: {{.TransferID}}"},
		ObjectionReceived: {"Keberatan mutasi dari {{.Name}}",
			"{{.Name}} (NIP {{.NIP}}) mengajukan keberatan atas mutasi ke {{.ToPosition}}: {{.Reason}}\nMohon diselesaikan: batalkan, lanjut dengan pelatihan, atau lanjutkan.\nNomor mutasi: {{.TransferID}}"},
		TransferRejected: {"Usulan mutasi {{.Name}} ditolak {{.Step}}",
			"Usulan mutasi {{.Name}} (NIP {{.NIP}}) ke {{.ToPosition}} ditolak oleh {{.Step}}.\nAlasan: {{.Reason}}\nNomor usulan: {{.TransferID}}"},
		TransferCancelled: {"Mutasi Anda dibatalkan",
			"Yth. {{.Name}},\n\nMutasi Anda ke {{.ToPosition}} dibatalkan. Anda tetap pada jabatan {{.FromPosition}}.\n{{if .Reason}}Catatan: {{.Reason}}\n{{end}}Nomor mutasi: {{.TransferID}}"},
		TransferBlocked: {"Mutasi {{.Name}} menunggu perencanaan ulang",
			"Usulan mutasi {{.Name}} (NIP {{.NIP}}) ke {{.ToPosition}} tertahan: mutasi yang mengosongkan kursinya tidak berlaku ({{.Reason}}).\nMohon tarik usulan ini atau rencanakan ulang putaran.\nNomor mutasi: {{.TransferID}}"},
		RecheckFailed: {"Mutasi {{.Name}} tidak dapat berlaku pada TMT",
			"Pada TMT, {{.Name}} (NIP {{.NIP}}) tidak lagi memenuhi syarat mutasi ke {{.ToPosition}}: {{.Reason}}\nMutasi ini dihentikan.\nNomor mutasi: {{.TransferID}}"},
		TrainingAssigned: {"Penugasan pelatihan untuk jabatan {{.ToPosition}}",
			"Yth. {{.Name}},\n\nAnda ditugaskan mengikuti pelatihan untuk jabatan {{.ToPosition}}. Mohon selesaikan paling lambat {{date .Deadline}}.\nNomor mutasi: {{.TransferID}}"},
		TrainingMissed: {"Pelatihan {{.Name}} melewati batas waktu",
			"Pelatihan {{.Name}} (NIP {{.NIP}}) untuk jabatan {{.ToPosition}} tidak dilaporkan selesai sampai {{date .Deadline}}. Mutasi tetap dilanjutkan.\nNomor mutasi: {{.TransferID}}"},
		TransferEffective: {"Mutasi Anda berlaku: SK {{.DecreeNumber}}",
			"Yth. {{.Name}},\n\nMutasi Anda ke {{.ToPosition}}, {{.ToUnit}} ditetapkan dengan SK nomor {{.DecreeNumber}} dan berlaku mulai {{date .Effective}} (TMT).\nNomor mutasi: {{.TransferID}}"},
		SurveyInvitation: {"Survei pascamutasi",
			"Yth. {{.Name}},\n\nBagaimana pengalaman Anda setelah mutasi ke {{.ToPosition}}? Mohon isi survei singkat ini paling lambat {{date .Deadline}}:\n{{.Link}}\nTautan ini hanya dapat dipakai sekali."},
		SurveyReminder: {"Pengingat: survei pascamutasi",
			"Yth. {{.Name}},\n\nSurvei pascamutasi Anda belum terisi. Survei ditutup pada {{date .Deadline}}:\n{{.Link}}"},
	},
	"en": {
		DecisionRequested: {"{{.Step}} decision requested: transfer of {{.Name}}",
			"Please decide, as {{.Step}}, on the proposed transfer of {{.Name}} (NIP {{.NIP}}) from {{.FromPosition}} to {{.ToPosition}}, {{.ToUnit}}.\nReason for the proposal: {{.Reason}}\nDeadline: {{date .Deadline}}.\nProposal number: {{.TransferID}}"},
		DecisionReminder: {"Reminder: {{.Step}} decision on the transfer of {{.Name}} is pending",
			"The {{.Step}} decision on the proposed transfer of {{.Name}} (NIP {{.NIP}}) to {{.ToPosition}} is still awaited.\nProposal number: {{.TransferID}}"},
		DecisionEscalated: {"Escalation: {{.Step}} decision on the transfer of {{.Name}} is late",
			"The {{.Step}} decision on the proposed transfer of {{.Name}} (NIP {{.NIP}}) to {{.ToPosition}} is past its deadline and needs follow-up.\nProposal number: {{.TransferID}}"},
		Socialization: {"Notice of transfer: {{.ToPosition}}",
			"Dear {{.Name}},\n\nYou are to be transferred from {{.FromPosition}} to {{.ToPosition}}, {{.ToUnit}}.\nReason: {{.Reason}}\n{{if .Training}}Support: training will be provided for the new position.\n{{end}}Please acknowledge, or object (competence, family/location, workload, health, other), by {{date .Deadline}}. Without an answer by then you are deemed to have acknowledged.\nTransfer number: {{.TransferID}}"},
		AcknowledgeReminder: {"Reminder: please answer the notice of transfer",
			"Dear {{.Name}},\n\nPlease acknowledge, or object to, your transfer to {{.ToPosition}} by {{date .Deadline}}.\nTransfer number: {{.TransferID}}"},
		ObjectionReceived: {"Objection to a transfer from {{.Name}}",
			"{{.Name}} (NIP {{.NIP}}) objects to the transfer to {{.ToPosition}}: {{.Reason}}\nPlease resolve it: cancel, proceed with training, or proceed.\nTransfer number: {{.TransferID}}"},
		TransferRejected: {"Proposed transfer of {{.Name}} rejected by the {{.Step}}",
			"The proposed transfer of {{.Name}} (NIP {{.NIP}}) to {{.ToPosition}} was rejected by the {{.Step}}.\nReason: {{.Reason}}\nProposal number: {{.TransferID}}"},
		TransferCancelled: {"Your transfer is cancelled",
			"Dear {{.Name}},\n\nYour transfer to {{.ToPosition}} is cancelled. You stay in your position as {{.FromPosition}}.\n{{if .Reason}}Note: {{.Reason}}\n{{end}}Transfer number: {{.TransferID}}"},
		TransferBlocked: {"Transfer of {{.Name}} awaits re-planning",
			"The transfer of {{.Name}} (NIP {{.NIP}}) to {{.ToPosition}} is held: the transfer that frees its seat will not take effect ({{.Reason}}).\nPlease withdraw it or re-plan the round.\nTransfer number: {{.TransferID}}"},
		RecheckFailed: {"Transfer of {{.Name}} cannot take effect on the TMT",
			"On the TMT, {{.Name}} (NIP {{.NIP}}) no longer meets the rules for the transfer to {{.ToPosition}}: {{.Reason}}\nThe transfer is stopped.\nTransfer number: {{.TransferID}}"},
		TrainingAssigned: {"Training assigned for the position {{.ToPosition}}",
			"Dear {{.Name}},\n\nYou are assigned training for the position {{.ToPosition}}. Please complete it by {{date .Deadline}}.\nTransfer number: {{.TransferID}}"},
		TrainingMissed: {"Training of {{.Name}} is past its deadline",
			"The training of {{.Name}} (NIP {{.NIP}}) for the position {{.ToPosition}} was not reported complete by {{date .Deadline}}. The transfer goes ahead.\nTransfer number: {{.TransferID}}"},
		TransferEffective: {"Your transfer takes effect: decree {{.DecreeNumber}}",
			"Dear {{.Name}},\n\nYour transfer to {{.ToPosition}}, {{.ToUnit}} is decreed by SK number {{.DecreeNumber}} and takes effect on {{date .Effective}} (TMT).\nTransfer number: {{.TransferID}}"},
		SurveyInvitation: {"Post-transfer survey",
			"Dear {{.Name}},\n\nHow has it gone since your transfer to {{.ToPosition}}? Please answer this short survey by {{date .Deadline}}:\n{{.Link}}\nThe link works once."},
		SurveyReminder: {"Reminder: post-transfer survey",
			"Dear {{.Name}},\n\nYour post-transfer survey is not answered yet. It closes on {{date .Deadline}}:\n{{.Link}}"},
	},
}

var months = map[string][]string{
	"id": {"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// Render fills the notification kind in lang ("id" or "en"; anything else
// is read as "id") with d, for the recipient to.
func Render(kind Kind, lang, to string, d Data) (Message, error) {
	if _, ok := texts[lang]; !ok {
		lang = "id"
	}
	t, ok := texts[lang][kind]
	if !ok {
		return Message{}, fmt.Errorf("no notification %q", kind)
	}
	funcs := template.FuncMap{"date": func(v time.Time) string {
		return fmt.Sprintf("%d %s %d", v.Day(), months[lang][v.Month()-1], v.Year())
	}}
	fill := func(src string) (string, error) {
		tpl, err := template.New(string(kind)).Funcs(funcs).Option("missingkey=error").Parse(src)
		if err != nil {
			return "", err
		}
		var b bytes.Buffer
		if err := tpl.Execute(&b, d); err != nil {
			return "", err
		}
		return b.String(), nil
	}
	subject, err := fill(t.subject)
	if err != nil {
		return Message{}, err
	}
	body, err := fill(t.body)
	if err != nil {
		return Message{}, err
	}
	return Message{To: to, Subject: strings.TrimSpace(subject), Body: body}, nil
}

// needReasons explains, per language, why a position needs someone.
var needReasons = map[string]map[models.NeedReason]string{
	"id": {
		models.NeedVacant: "jabatan tujuan kosong",
		models.NeedABK:    "analisis beban kerja menunjukkan unit tujuan kekurangan pegawai",
		models.NeedTenure: "pejabat sebelumnya telah melewati masa jabatan maksimal",
	},
	"en": {
		models.NeedVacant: "the target position is vacant",
		models.NeedABK:    "the workload analysis shows the target unit is short of staff",
		models.NeedTenure: "the previous holder has passed the maximum time in post",
	},
}

// NeedReasonText explains a need reason in lang ("id" or "en").
func NeedReasonText(lang string, r models.NeedReason) string {
	if _, ok := needReasons[lang]; !ok {
		lang = "id"
	}
	return needReasons[lang][r]
}
