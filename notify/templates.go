package notify

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
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
var texts = map[string]map[contract.NoticeKind]text{
	"id": {
		contract.NoticeDecisionRequested: {"Mohon keputusan {{.Step}}: mutasi {{.Name}}",
			"Mohon keputusan {{.Step}} atas usulan mutasi {{.Name}} (NIP {{.NIP}}) dari {{.FromPosition}} ke {{.ToPosition}}, {{.ToUnit}}.\nAlasan usulan: {{.Reason}}\nBatas waktu: {{date .Deadline}}.\nNomor usulan: {{.TransferID}}"},
		contract.NoticeDecisionReminder: {"Pengingat: keputusan {{.Step}} untuk mutasi {{.Name}} belum ada",
			"Keputusan {{.Step}} atas usulan mutasi {{.Name}} (NIP {{.NIP}}) ke {{.ToPosition}} masih ditunggu.\nNomor usulan: {{.TransferID}}"},
		contract.NoticeDecisionEscalated: {"Eskalasi: keputusan {{.Step}} untuk mutasi {{.Name}} terlambat",
			"Keputusan {{.Step}} atas usulan mutasi {{.Name}} (NIP {{.NIP}}) ke {{.ToPosition}} melewati batas waktu dan perlu ditindaklanjuti.\nNomor usulan: {{.TransferID}}"},
		contract.NoticeSocialization: {"Pemberitahuan mutasi: {{.ToPosition}}",
			"Yth. {{.Name}},\n\nAnda akan dimutasi dari {{.FromPosition}} ke {{.ToPosition}}, {{.ToUnit}}.\nAlasan: {{.Reason}}\n{{if .Training}}Dukungan: pelatihan akan disediakan untuk jabatan baru.\n{{end}}Mohon nyatakan menerima atau ajukan keberatan (kompetensi, keluarga/lokasi, beban kerja, kesehatan, lainnya) paling lambat {{date .Deadline}}. Tanpa tanggapan sampai batas itu, Anda dianggap menerima.\nNomor mutasi: {{.TransferID}}"},
		contract.NoticeAcknowledgeReminder: {"Pengingat: tanggapan atas pemberitahuan mutasi",
			"Yth. {{.Name}},\n\nMohon nyatakan menerima atau ajukan keberatan atas mutasi ke {{.ToPosition}} paling lambat {{date .Deadline}}.\nNomor mutasi: {{.TransferID}}"},
		contract.NoticeObjectionReceived: {"Keberatan mutasi dari {{.Name}}",
			"{{.Name}} (NIP {{.NIP}}) mengajukan keberatan atas mutasi ke {{.ToPosition}}: {{.Reason}}\nMohon diselesaikan: batalkan, lanjut dengan pelatihan, atau lanjutkan.\nNomor mutasi: {{.TransferID}}"},
		contract.NoticeTransferRejected: {"Usulan mutasi {{.Name}} ditolak {{.Step}}",
			"Usulan mutasi {{.Name}} (NIP {{.NIP}}) ke {{.ToPosition}} ditolak oleh {{.Step}}.\nAlasan: {{.Reason}}\nNomor usulan: {{.TransferID}}"},
		contract.NoticeTransferCancelled: {"Mutasi Anda dibatalkan",
			"Yth. {{.Name}},\n\nMutasi Anda ke {{.ToPosition}} dibatalkan. Anda tetap pada jabatan {{.FromPosition}}.\n{{if .Reason}}Catatan: {{.Reason}}\n{{end}}Nomor mutasi: {{.TransferID}}"},
		contract.NoticeTransferBlocked: {"Mutasi {{.Name}} menunggu perencanaan ulang",
			"Usulan mutasi {{.Name}} (NIP {{.NIP}}) ke {{.ToPosition}} tertahan: mutasi yang mengosongkan kursinya tidak berlaku ({{.Reason}}).\nMohon tarik usulan ini atau rencanakan ulang putaran.\nNomor mutasi: {{.TransferID}}"},
		contract.NoticeRecheckFailed: {"Mutasi {{.Name}} tidak dapat berlaku pada TMT",
			"Pada TMT, {{.Name}} (NIP {{.NIP}}) tidak lagi memenuhi syarat mutasi ke {{.ToPosition}}: {{.Reason}}\nMutasi ini dihentikan.\nNomor mutasi: {{.TransferID}}"},
		contract.NoticeTrainingAssigned: {"Penugasan pelatihan untuk jabatan {{.ToPosition}}",
			"Yth. {{.Name}},\n\nAnda ditugaskan mengikuti pelatihan untuk jabatan {{.ToPosition}}. Mohon selesaikan paling lambat {{date .Deadline}}.\nNomor mutasi: {{.TransferID}}"},
		contract.NoticeTrainingMissed: {"Pelatihan {{.Name}} melewati batas waktu",
			"Pelatihan {{.Name}} (NIP {{.NIP}}) untuk jabatan {{.ToPosition}} tidak dilaporkan selesai sampai {{date .Deadline}}. Mutasi tetap dilanjutkan.\nNomor mutasi: {{.TransferID}}"},
		contract.NoticeTransferEffective: {"Mutasi Anda berlaku: SK {{.DecreeNumber}}",
			"Yth. {{.Name}},\n\nMutasi Anda ke {{.ToPosition}}, {{.ToUnit}} ditetapkan dengan SK nomor {{.DecreeNumber}} dan berlaku mulai {{date .Effective}} (TMT).\nNomor mutasi: {{.TransferID}}"},
		contract.NoticeSurveyInvitation: {"Survei pascamutasi",
			"Yth. {{.Name}},\n\nBagaimana pengalaman Anda setelah mutasi ke {{.ToPosition}}? Mohon isi survei singkat ini paling lambat {{date .Deadline}}:\n{{.Link}}\nTautan ini hanya dapat dipakai sekali."},
		contract.NoticeSurveyReminder: {"Pengingat: survei pascamutasi",
			"Yth. {{.Name}},\n\nSurvei pascamutasi Anda belum terisi. Survei ditutup pada {{date .Deadline}}:\n{{.Link}}"},
	},
	"en": {
		contract.NoticeDecisionRequested: {"{{.Step}} decision requested: transfer of {{.Name}}",
			"Please decide, as {{.Step}}, on the proposed transfer of {{.Name}} (NIP {{.NIP}}) from {{.FromPosition}} to {{.ToPosition}}, {{.ToUnit}}.\nReason for the proposal: {{.Reason}}\nDeadline: {{date .Deadline}}.\nProposal number: {{.TransferID}}"},
		contract.NoticeDecisionReminder: {"Reminder: {{.Step}} decision on the transfer of {{.Name}} is pending",
			"The {{.Step}} decision on the proposed transfer of {{.Name}} (NIP {{.NIP}}) to {{.ToPosition}} is still awaited.\nProposal number: {{.TransferID}}"},
		contract.NoticeDecisionEscalated: {"Escalation: {{.Step}} decision on the transfer of {{.Name}} is late",
			"The {{.Step}} decision on the proposed transfer of {{.Name}} (NIP {{.NIP}}) to {{.ToPosition}} is past its deadline and needs follow-up.\nProposal number: {{.TransferID}}"},
		contract.NoticeSocialization: {"Notice of transfer: {{.ToPosition}}",
			"Dear {{.Name}},\n\nYou are to be transferred from {{.FromPosition}} to {{.ToPosition}}, {{.ToUnit}}.\nReason: {{.Reason}}\n{{if .Training}}Support: training will be provided for the new position.\n{{end}}Please acknowledge, or object (competence, family/location, workload, health, other), by {{date .Deadline}}. Without an answer by then you are deemed to have acknowledged.\nTransfer number: {{.TransferID}}"},
		contract.NoticeAcknowledgeReminder: {"Reminder: please answer the notice of transfer",
			"Dear {{.Name}},\n\nPlease acknowledge, or object to, your transfer to {{.ToPosition}} by {{date .Deadline}}.\nTransfer number: {{.TransferID}}"},
		contract.NoticeObjectionReceived: {"Objection to a transfer from {{.Name}}",
			"{{.Name}} (NIP {{.NIP}}) objects to the transfer to {{.ToPosition}}: {{.Reason}}\nPlease resolve it: cancel, proceed with training, or proceed.\nTransfer number: {{.TransferID}}"},
		contract.NoticeTransferRejected: {"Proposed transfer of {{.Name}} rejected by the {{.Step}}",
			"The proposed transfer of {{.Name}} (NIP {{.NIP}}) to {{.ToPosition}} was rejected by the {{.Step}}.\nReason: {{.Reason}}\nProposal number: {{.TransferID}}"},
		contract.NoticeTransferCancelled: {"Your transfer is cancelled",
			"Dear {{.Name}},\n\nYour transfer to {{.ToPosition}} is cancelled. You stay in your position as {{.FromPosition}}.\n{{if .Reason}}Note: {{.Reason}}\n{{end}}Transfer number: {{.TransferID}}"},
		contract.NoticeTransferBlocked: {"Transfer of {{.Name}} awaits re-planning",
			"The transfer of {{.Name}} (NIP {{.NIP}}) to {{.ToPosition}} is held: the transfer that frees its seat will not take effect ({{.Reason}}).\nPlease withdraw it or re-plan the round.\nTransfer number: {{.TransferID}}"},
		contract.NoticeRecheckFailed: {"Transfer of {{.Name}} cannot take effect on the TMT",
			"On the TMT, {{.Name}} (NIP {{.NIP}}) no longer meets the rules for the transfer to {{.ToPosition}}: {{.Reason}}\nThe transfer is stopped.\nTransfer number: {{.TransferID}}"},
		contract.NoticeTrainingAssigned: {"Training assigned for the position {{.ToPosition}}",
			"Dear {{.Name}},\n\nYou are assigned training for the position {{.ToPosition}}. Please complete it by {{date .Deadline}}.\nTransfer number: {{.TransferID}}"},
		contract.NoticeTrainingMissed: {"Training of {{.Name}} is past its deadline",
			"The training of {{.Name}} (NIP {{.NIP}}) for the position {{.ToPosition}} was not reported complete by {{date .Deadline}}. The transfer goes ahead.\nTransfer number: {{.TransferID}}"},
		contract.NoticeTransferEffective: {"Your transfer takes effect: decree {{.DecreeNumber}}",
			"Dear {{.Name}},\n\nYour transfer to {{.ToPosition}}, {{.ToUnit}} is decreed by SK number {{.DecreeNumber}} and takes effect on {{date .Effective}} (TMT).\nTransfer number: {{.TransferID}}"},
		contract.NoticeSurveyInvitation: {"Post-transfer survey",
			"Dear {{.Name}},\n\nHow has it gone since your transfer to {{.ToPosition}}? Please answer this short survey by {{date .Deadline}}:\n{{.Link}}\nThe link works once."},
		contract.NoticeSurveyReminder: {"Reminder: post-transfer survey",
			"Dear {{.Name}},\n\nYour post-transfer survey is not answered yet. It closes on {{date .Deadline}}:\n{{.Link}}"},
	},
}

var months = map[string][]string{
	"id": {"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// Render fills the notification kind in lang ("id" or "en"; anything else
// is read as "id") with d, for the recipient to.
func Render(kind contract.NoticeKind, lang, to string, d Data) (Message, error) {
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
