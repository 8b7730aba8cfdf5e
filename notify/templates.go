package notify

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/i18n"
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
	Training     bool   // training is offered as support
	Period       string // the period a report covers, as people read it
	Summary      string // a report's figures, one per line
	Username     string // an account's, in its invitation or password reset
}

// notice is a notification's subject and body, templates in both
// languages.
type notice struct{ subject, body i18n.Text }

// notices holds every notification in Bahasa Indonesia and English.
var notices = map[contract.NoticeKind]notice{
	contract.NoticeDecisionRequested: {
		i18n.Text{ID: "Mohon keputusan {{.Step}}: mutasi {{.Name}}",
			EN: "{{.Step}} decision requested: transfer of {{.Name}}"},
		i18n.Text{ID: "Mohon keputusan {{.Step}} atas usulan mutasi {{.Name}} (NIP {{.NIP}}) dari {{.FromPosition}} ke {{.ToPosition}}, {{.ToUnit}}.\nAlasan usulan: {{.Reason}}\nBatas waktu: {{date .Deadline}}.\nNomor usulan: {{.TransferID}}",
			EN: "Please decide, as {{.Step}}, on the proposed transfer of {{.Name}} (NIP {{.NIP}}) from {{.FromPosition}} to {{.ToPosition}}, {{.ToUnit}}.\nReason for the proposal: {{.Reason}}\nDeadline: {{date .Deadline}}.\nProposal number: {{.TransferID}}"}},
	contract.NoticeDecisionReminder: {
		i18n.Text{ID: "Pengingat: keputusan {{.Step}} untuk mutasi {{.Name}} belum ada",
			EN: "Reminder: {{.Step}} decision on the transfer of {{.Name}} is pending"},
		i18n.Text{ID: "Keputusan {{.Step}} atas usulan mutasi {{.Name}} (NIP {{.NIP}}) ke {{.ToPosition}} masih ditunggu.\nNomor usulan: {{.TransferID}}",
			EN: "The {{.Step}} decision on the proposed transfer of {{.Name}} (NIP {{.NIP}}) to {{.ToPosition}} is still awaited.\nProposal number: {{.TransferID}}"}},
	contract.NoticeDecisionEscalated: {
		i18n.Text{ID: "Eskalasi: keputusan {{.Step}} untuk mutasi {{.Name}} terlambat",
			EN: "Escalation: {{.Step}} decision on the transfer of {{.Name}} is late"},
		i18n.Text{ID: "Keputusan {{.Step}} atas usulan mutasi {{.Name}} (NIP {{.NIP}}) ke {{.ToPosition}} melewati batas waktu dan perlu ditindaklanjuti.\nNomor usulan: {{.TransferID}}",
			EN: "The {{.Step}} decision on the proposed transfer of {{.Name}} (NIP {{.NIP}}) to {{.ToPosition}} is past its deadline and needs follow-up.\nProposal number: {{.TransferID}}"}},
	contract.NoticeSocialization: {
		i18n.Text{ID: "Pemberitahuan mutasi: {{.ToPosition}}",
			EN: "Notice of transfer: {{.ToPosition}}"},
		i18n.Text{ID: "Yth. {{.Name}},\n\nAnda akan dimutasi dari {{.FromPosition}} ke {{.ToPosition}}, {{.ToUnit}}.\nAlasan: {{.Reason}}\n{{if .Training}}Dukungan: pelatihan akan disediakan untuk jabatan baru.\n{{end}}Mohon nyatakan menerima atau ajukan keberatan ({{categories}}) paling lambat {{date .Deadline}}. Tanpa tanggapan sampai batas itu, Anda dianggap menerima.\n{{if .Link}}Tanggapi setelah masuk di {{.Link}}\n{{end}}Nomor mutasi: {{.TransferID}}",
			EN: "Dear {{.Name}},\n\nYou are to be transferred from {{.FromPosition}} to {{.ToPosition}}, {{.ToUnit}}.\nReason: {{.Reason}}\n{{if .Training}}Support: training will be provided for the new position.\n{{end}}Please acknowledge, or object ({{categories}}), by {{date .Deadline}}. Without an answer by then you are deemed to have acknowledged.\n{{if .Link}}Answer once you sign in at {{.Link}}\n{{end}}Transfer number: {{.TransferID}}"}},
	contract.NoticeAcknowledgeReminder: {
		i18n.Text{ID: "Pengingat: tanggapan atas pemberitahuan mutasi",
			EN: "Reminder: please answer the notice of transfer"},
		i18n.Text{ID: "Yth. {{.Name}},\n\nMohon nyatakan menerima atau ajukan keberatan atas mutasi ke {{.ToPosition}} paling lambat {{date .Deadline}}.\n{{if .Link}}Tanggapi setelah masuk di {{.Link}}\n{{end}}Nomor mutasi: {{.TransferID}}",
			EN: "Dear {{.Name}},\n\nPlease acknowledge, or object to, your transfer to {{.ToPosition}} by {{date .Deadline}}.\n{{if .Link}}Answer once you sign in at {{.Link}}\n{{end}}Transfer number: {{.TransferID}}"}},
	contract.NoticeObjectionReceived: {
		i18n.Text{ID: "Keberatan mutasi dari {{.Name}}",
			EN: "Objection to a transfer from {{.Name}}"},
		i18n.Text{ID: "{{.Name}} (NIP {{.NIP}}) mengajukan keberatan atas mutasi ke {{.ToPosition}}: {{.Reason}}\nMohon diselesaikan: batalkan, lanjut dengan pelatihan, atau lanjutkan.\nNomor mutasi: {{.TransferID}}",
			EN: "{{.Name}} (NIP {{.NIP}}) objects to the transfer to {{.ToPosition}}: {{.Reason}}\nPlease resolve it: cancel, proceed with training, or proceed.\nTransfer number: {{.TransferID}}"}},
	contract.NoticeTransferRejected: {
		i18n.Text{ID: "Usulan mutasi {{.Name}} ditolak {{.Step}}",
			EN: "Proposed transfer of {{.Name}} rejected by the {{.Step}}"},
		i18n.Text{ID: "Usulan mutasi {{.Name}} (NIP {{.NIP}}) ke {{.ToPosition}} ditolak oleh {{.Step}}.\nAlasan: {{.Reason}}\nNomor usulan: {{.TransferID}}",
			EN: "The proposed transfer of {{.Name}} (NIP {{.NIP}}) to {{.ToPosition}} was rejected by the {{.Step}}.\nReason: {{.Reason}}\nProposal number: {{.TransferID}}"}},
	contract.NoticeTransferCancelled: {
		i18n.Text{ID: "Mutasi Anda dibatalkan",
			EN: "Your transfer is cancelled"},
		i18n.Text{ID: "Yth. {{.Name}},\n\nMutasi Anda ke {{.ToPosition}} dibatalkan. Anda tetap pada jabatan {{.FromPosition}}.\n{{if .Reason}}Catatan: {{.Reason}}\n{{end}}Nomor mutasi: {{.TransferID}}",
			EN: "Dear {{.Name}},\n\nYour transfer to {{.ToPosition}} is cancelled. You stay in your position as {{.FromPosition}}.\n{{if .Reason}}Note: {{.Reason}}\n{{end}}Transfer number: {{.TransferID}}"}},
	contract.NoticeTransferBlocked: {
		i18n.Text{ID: "Mutasi {{.Name}} menunggu perencanaan ulang",
			EN: "Transfer of {{.Name}} awaits re-planning"},
		i18n.Text{ID: "Usulan mutasi {{.Name}} (NIP {{.NIP}}) ke {{.ToPosition}} tertahan: mutasi yang mengosongkan kursinya tidak berlaku ({{.Reason}}).\nMohon tarik usulan ini atau rencanakan ulang putaran.\nNomor mutasi: {{.TransferID}}",
			EN: "The transfer of {{.Name}} (NIP {{.NIP}}) to {{.ToPosition}} is held: the transfer that frees its seat will not take effect ({{.Reason}}).\nPlease withdraw it or re-plan the round.\nTransfer number: {{.TransferID}}"}},
	contract.NoticeRecheckFailed: {
		i18n.Text{ID: "Mutasi {{.Name}} tidak dapat berlaku pada TMT",
			EN: "Transfer of {{.Name}} cannot take effect on the TMT"},
		i18n.Text{ID: "Pada TMT, {{.Name}} (NIP {{.NIP}}) tidak lagi memenuhi syarat mutasi ke {{.ToPosition}}: {{.Reason}}\nMutasi ini dihentikan.\nNomor mutasi: {{.TransferID}}",
			EN: "On the TMT, {{.Name}} (NIP {{.NIP}}) no longer meets the rules for the transfer to {{.ToPosition}}: {{.Reason}}\nThe transfer is stopped.\nTransfer number: {{.TransferID}}"}},
	contract.NoticeTrainingAssigned: {
		i18n.Text{ID: "Penugasan pelatihan untuk jabatan {{.ToPosition}}",
			EN: "Training assigned for the position {{.ToPosition}}"},
		i18n.Text{ID: "Yth. {{.Name}},\n\nAnda ditugaskan mengikuti pelatihan untuk jabatan {{.ToPosition}}. Mohon selesaikan paling lambat {{date .Deadline}}.\nNomor mutasi: {{.TransferID}}",
			EN: "Dear {{.Name}},\n\nYou are assigned training for the position {{.ToPosition}}. Please complete it by {{date .Deadline}}.\nTransfer number: {{.TransferID}}"}},
	contract.NoticeTrainingMissed: {
		i18n.Text{ID: "Pelatihan {{.Name}} melewati batas waktu",
			EN: "Training of {{.Name}} is past its deadline"},
		i18n.Text{ID: "Pelatihan {{.Name}} (NIP {{.NIP}}) untuk jabatan {{.ToPosition}} tidak dilaporkan selesai sampai {{date .Deadline}}. Mutasi tetap dilanjutkan.\nNomor mutasi: {{.TransferID}}",
			EN: "The training of {{.Name}} (NIP {{.NIP}}) for the position {{.ToPosition}} was not reported complete by {{date .Deadline}}. The transfer goes ahead.\nTransfer number: {{.TransferID}}"}},
	contract.NoticeTransferEffective: {
		i18n.Text{ID: "Mutasi Anda berlaku: SK {{.DecreeNumber}}",
			EN: "Your transfer takes effect: decree {{.DecreeNumber}}"},
		i18n.Text{ID: "Yth. {{.Name}},\n\nMutasi Anda ke {{.ToPosition}}, {{.ToUnit}} ditetapkan dengan SK nomor {{.DecreeNumber}} dan berlaku mulai {{date .Effective}} (TMT).{{if .Link}}\nPetikan SK Anda dapat diunduh setelah masuk di {{.Link}}{{end}}\nNomor mutasi: {{.TransferID}}",
			EN: "Dear {{.Name}},\n\nYour transfer to {{.ToPosition}}, {{.ToUnit}} is decreed by SK number {{.DecreeNumber}} and takes effect on {{date .Effective}} (TMT).{{if .Link}}\nYour petikan (extract) of the decree downloads once you sign in at {{.Link}}{{end}}\nTransfer number: {{.TransferID}}"}},
	contract.NoticeSurveyInvitation: {
		i18n.Text{ID: "Survei pascamutasi",
			EN: "Post-transfer survey"},
		i18n.Text{ID: "Yth. {{.Name}},\n\nBagaimana pengalaman Anda setelah mutasi ke {{.ToPosition}}? Mohon isi survei singkat ini paling lambat {{date .Deadline}}:\n{{.Link}}\nTautan ini hanya dapat dipakai sekali.",
			EN: "Dear {{.Name}},\n\nHow has it gone since your transfer to {{.ToPosition}}? Please answer this short survey by {{date .Deadline}}:\n{{.Link}}\nThe link works once."}},
	contract.NoticeAccountInvitation: {
		i18n.Text{ID: "Undangan ke Mutasi: atur kata sandi Anda",
			EN: "Invitation to Mutasi: set your password"},
		i18n.Text{ID: "Yth. {{.Name}},\n\nAkun Mutasi telah dibuat untuk Anda dengan nama pengguna {{.Username}}. Atur kata sandi Anda melalui tautan berikut paling lambat {{date .Deadline}}:\n{{.Link}}\nTautan ini hanya dapat dipakai sekali. Setelah itu, masuk di halaman masuk Mutasi dengan nama pengguna dan kata sandi Anda.\nJika Anda tidak mengharapkan surel ini, abaikan saja.",
			EN: "Dear {{.Name}},\n\nA Mutasi account has been made for you with the username {{.Username}}. Set your password through this link by {{date .Deadline}}:\n{{.Link}}\nThe link works once. After that, sign in on Mutasi's sign-in page with your username and password.\nIf you did not expect this e-mail, ignore it."}},
	contract.NoticePasswordReset: {
		i18n.Text{ID: "Atur ulang kata sandi Mutasi",
			EN: "Reset your Mutasi password"},
		i18n.Text{ID: "Yth. {{.Name}},\n\nAda permintaan untuk mengatur ulang kata sandi akun Mutasi {{.Username}}. Atur kata sandi baru melalui tautan berikut dalam satu jam:\n{{.Link}}\nTautan ini hanya dapat dipakai sekali, dan semua sesi akun ini akan berakhir.\nJika Anda tidak memintanya, abaikan surel ini: kata sandi Anda tidak berubah.",
			EN: "Dear {{.Name}},\n\nSomeone asked to reset the password of the Mutasi account {{.Username}}. Set a new password through this link within an hour:\n{{.Link}}\nThe link works once, and every session of the account ends.\nIf you did not ask for this, ignore this e-mail: your password is unchanged."}},
	contract.NoticeEvaluationReport: {
		i18n.Text{ID: "Laporan evaluasi mutasi ASN: {{.Period}}",
			EN: "Civil-servant transfer evaluation: {{.Period}}"},
		i18n.Text{ID: "Yth. Bapak/Ibu,\n\nBerikut laporan evaluasi program mutasi ASN untuk {{.Period}}.\n\n{{.Summary}}\nAngka kelompok dengan kurang dari 5 responden survei tidak ditampilkan, demi kerahasiaan jawaban.\nLaporan ini dikirim otomatis oleh Mutasi.",
			EN: "Dear Sir or Madam,\n\nHere is the evaluation of the civil-servant transfer programme for {{.Period}}.\n\n{{.Summary}}\nFigures of groups with fewer than 5 survey respondents are not shown, to keep answers confidential.\nThis report is sent automatically by Mutasi."}},
	contract.NoticeSurveyReminder: {
		i18n.Text{ID: "Pengingat: survei pascamutasi",
			EN: "Reminder: post-transfer survey"},
		i18n.Text{ID: "Yth. {{.Name}},\n\nSurvei pascamutasi Anda belum terisi. Survei ditutup pada {{date .Deadline}}:\n{{.Link}}",
			EN: "Dear {{.Name}},\n\nYour post-transfer survey is not answered yet. It closes on {{date .Deadline}}:\n{{.Link}}"}},
}

// Render fills the notification kind in lang ("id" or "en"; anything else
// is read as "id") with d, for the recipient to.
func Render(kind contract.NoticeKind, lang, to string, d Data) (Message, error) {
	if lang != "en" {
		lang = "id"
	}
	parsed, err := templates()
	if err != nil {
		return Message{}, err
	}
	t, ok := parsed[templateKey{kind, lang}]
	if !ok {
		return Message{}, fmt.Errorf("no notification %q", kind)
	}
	var subject, body bytes.Buffer
	if err := t.subject.Execute(&subject, d); err != nil {
		return Message{}, err
	}
	if err := t.body.Execute(&body, d); err != nil {
		return Message{}, err
	}
	return Message{To: to, Subject: strings.TrimSpace(subject.String()), Body: body.String()}, nil
}

// templateKey names a notification's templates in one language.
type templateKey struct {
	kind contract.NoticeKind
	lang string
}

// parsedNotice is a notification's subject and body, parsed.
type parsedNotice struct{ subject, body *template.Template }

// templates are every notification's templates in both languages,
// parsed once: a notice is rendered for the mail and for the bell.
var templates = sync.OnceValues(func() (map[templateKey]parsedNotice, error) {
	out := map[templateKey]parsedNotice{}
	for kind, t := range notices {
		for _, lang := range []string{"id", "en"} {
			funcs := template.FuncMap{"date": func(v time.Time) string { return i18n.Date(v, lang) },
				"categories": func() string { return categories(lang) }}
			parse := func(src string) (*template.Template, error) {
				return template.New(string(kind)).Funcs(funcs).Option("missingkey=error").Parse(src)
			}
			subject, err := parse(t.subject.In(lang))
			if err != nil {
				return nil, err
			}
			body, err := parse(t.body.In(lang))
			if err != nil {
				return nil, err
			}
			out[templateKey{kind, lang}] = parsedNotice{subject, body}
		}
	}
	return out, nil
})

// categories names the objection categories in lang, as the forms do.
func categories(lang string) string {
	names := make([]string, len(models.ObjectionCategories))
	for i, c := range models.ObjectionCategories {
		names[i] = strings.ToLower(i18n.T(lang, "category."+string(c)))
	}
	return strings.Join(names, ", ")
}

// needReasons explains why a position needs someone.
var needReasons = map[models.NeedReason]i18n.Text{
	models.NeedVacant: {ID: "jabatan tujuan kosong", EN: "the target position is vacant"},
	models.NeedABK:    {ID: "analisis beban kerja menunjukkan unit tujuan kekurangan pegawai", EN: "the workload analysis shows the target unit is short of staff"},
	models.NeedTenure: {ID: "pejabat sebelumnya telah melewati masa jabatan maksimal", EN: "the previous holder has passed the maximum time in post"},
}

// NeedReasonText explains a need reason in lang ("id" or "en").
func NeedReasonText(lang string, r models.NeedReason) string { return needReasons[r].In(lang) }
