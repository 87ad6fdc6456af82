package portal

import "fmt"

// translate looks key up in lang (falling back to Dutch) and fills args in.
// A missing key shows as ?key? so it is seen, and a test keeps the
// catalogue complete.
func translate(lang, key string, args ...any) string {
	msg, ok := lookup(lang, key)
	if !ok {
		return "?" + key + "?"
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

func lookup(lang, key string) (string, bool) {
	if m, ok := catalogue[lang][key]; ok {
		return m, true
	}
	m, ok := catalogue["nl"][key]
	return m, ok
}

// catalogue holds every portal text, Dutch first. Status explanations are
// the manual's (§1.2).
var catalogue = map[string]map[string]string{
	"nl": {
		"app.name":   "Backofficebureau Digitaal",
		"app.footer": "Backofficebureau Digitaal · uren, werknemers en accordering",

		"nav.skip": "Naar de inhoud", "nav.label": "Hoofdmenu", "nav.home": "Home", "nav.timesheets": "Urenbriefjes",
		"nav.workers": "Werknemers", "nav.outbox": "Berichten (demo)", "nav.logout": "Uitloggen",

		"notice.stale": "De gegevens worden nog bijgewerkt. Ververs de pagina over enkele ogenblikken als uw wijziging nog niet zichtbaar is.",

		"flash.saved": "De uren zijn opgeslagen.", "flash.line_added": "De urenregel is toegevoegd.",
		"flash.line_wiped": "De urenregel is gewist.", "flash.entry_saved": "De tijdregel is opgeslagen.",
		"flash.entry_removed": "De tijdregel is verwijderd.", "flash.expense_added": "De onkosten zijn toegevoegd.",
		"flash.expense_removed": "De onkosten zijn verwijderd.", "flash.remark_added": "De opmerking is toegevoegd.",
		"flash.offer_withdrawn": "Het aanbieden is ingetrokken; u kunt de uren weer aanpassen.",
		"withdraw.intro":        "Nog niemand heeft dit urenbriefje geaccordeerd.", "withdraw.submit": "Aanbieden intrekken",
		"event.offer_withdrawn": "Aanbieden ingetrokken",
		"flash.offered":         "Het urenbriefje is aangeboden.", "flash.approved": "Het urenbriefje is geaccordeerd.",
		"flash.approved_many": "De gekozen urenbriefjes zijn geaccordeerd.", "flash.rejected": "Het urenbriefje is afgekeurd.",
		"flash.logged_out": "U bent uitgelogd.", "flash.password_set": "Uw wachtwoord is ingesteld. U kunt nu inloggen.",
		"flash.reset_sent": "Als dit e-mailadres bij ons bekend is, ontvangt u binnen enkele minuten een e-mail met een link om een nieuw wachtwoord te kiezen.",
		"flash.registered": "De werknemer is ingeschreven. De inloggegevens worden per e-mail verstuurd.",

		"login.title": "Inloggen", "login.submit": "Inloggen", "login.forgot": "Wachtwoord vergeten?", "login.back": "Terug naar inloggen",
		"field.email": "E-mailadres", "field.password": "Wachtwoord", "field.new_password": "Nieuw wachtwoord",
		"field.repeat_password": "Herhaal het wachtwoord",
		"activate.title":        "Account activeren", "activate.intro": "Welkom! Kies een wachtwoord om uw account te activeren.",
		"reset.title": "Nieuw wachtwoord kiezen", "reset.intro": "Kies een nieuw wachtwoord. Daarna kunt u er direct mee inloggen.",
		"password.hint": "Minimaal 12 tekens. Een zin van een paar woorden is sterk en goed te onthouden.",
		"password.save": "Wachtwoord opslaan", "password.mismatch": "De wachtwoorden zijn niet gelijk.",
		"forgot.title": "Wachtwoord vergeten", "forgot.intro": "Vul uw e-mailadres in. U ontvangt een e-mail met een link om een nieuw wachtwoord te kiezen.",
		"forgot.submit": "Verstuur de link",

		"error.title": "Dat lukte niet", "error.home": "Naar de startpagina",
		"unavailable.title":        "Even geduld",
		"error.method_not_allowed": "Deze actie is hier niet mogelijk.",

		"home.title": "Home", "home.status": "Statusoverzicht van de uren",
		"home.waiting":  "Er wachten %d urenbriefjes op u.",
		"home.deadline": "Vul de uren wekelijks vóór dinsdag in, zodat uw intermediair ze vóór woensdag 10.00 uur kan controleren en accorderen.",

		"status.none": "Niet ingevuld", "status.open": "Open", "status.offered": "Aangeboden", "status.rejected": "Afgekeurd",
		"status.not_approved": "Niet geaccordeerd", "status.approved": "Geaccordeerd", "status.imported": "Geïmporteerd",
		"status.open.help":         "Alleen ingevoerd door de werknemer of klant.",
		"status.offered.help":      "Ingevoerd en aangeboden aan de klant/werknemer.",
		"status.rejected.help":     "Ingevoerd en aangeboden aan de klant/werknemer, maar deze heeft het werkbriefje afgekeurd.",
		"status.not_approved.help": "Bovenstaande drie opties vallen alle drie onder niet geaccordeerd: de klant heeft deze uren nog niet akkoord gegeven voor verloning.",
		"status.approved.help":     "Wel geaccordeerd, maar de uren zijn nog niet in het backofficepakket geïmporteerd.",
		"status.imported.help":     "De uren zijn in het backofficepakket geïmporteerd voor de verloning.",

		"list.title": "Urenbriefjes", "list.filter": "Status", "list.all": "Alle", "list.apply": "Toon",
		"list.new_for": "Nieuw urenbriefje voor", "list.new": "Invullen", "list.select": "Kiezen",
		"list.select_one": "Kies %s, %s", "list.waiting_for_me": "Wacht op u", "list.bulk_approve": "Gekozen urenbriefjes accorderen",
		"list.empty":       "Er zijn geen urenbriefjes met deze status.",
		"list.bulk_failed": "%d urenbriefjes zijn geaccordeerd; deze konden niet worden geaccordeerd omdat ze intussen zijn gewijzigd of al geaccordeerd: %s.",
		"col.worker":       "Werknemer", "col.week": "Week", "col.status": "Status", "col.total": "Totaal", "col.next": "Aan de beurt",
		"col.deadline": "Accorderen vóór", "col.hour_type": "Uursoort", "col.actions": "Acties",
		"late": "Te laat", "legend": "Legenda", "week.label": "week %d (%d)",

		"weeks.title": "Wekenoverzicht", "weeks.year_nav": "Jaar kiezen", "weeks.tile": "Week %d: %s",
		"weeks.help":         "Kies een week om het urenbriefje te openen. Beweeg de muis over een week (of ga er met Tab naartoe) om de begin- en einddatum te zien. Grijze weken zijn nog niet invulbaar.",
		"weeks.not_fillable": "Nog niet invulbaar",

		"sheet.title": "Urenbriefje", "sheet.nav": "Navigatie urenbriefje", "sheet.prev": "Vorige week", "sheet.next": "Volgende week",
		"sheet.entry_deadline": "Invoeren vóór", "sheet.approval_deadline": "Accorderen vóór",
		"sheet.offered_late": "Te laat aangeboden", "sheet.approved_late": "Te laat geaccordeerd",
		"sheet.locked":     "Het urenbriefje is aangeboden en kan niet meer worden aangepast.",
		"sheet.next_party": "Aan de beurt om te beoordelen", "sheet.rejected_by": "Afgekeurd door %s",
		"sheet.hours": "Uren", "sheet.from_tr": "uit tijdregistratie", "sheet.no_lines": "Er zijn nog geen uren ingevuld.",
		"sheet.day_total": "Totaal per dag", "sheet.save": "Uren opslaan", "sheet.wipe": "Wissen",
		"sheet.hours_hint": "Vul uren in als 8, 7,5 of 7:30.", "sheet.add_type": "Andere uursoort", "sheet.add": "Toevoegen",

		"tr.title": "Tijdregistratie", "tr.day": "Dag", "tr.start": "Begintijd", "tr.end": "Eindtijd", "tr.break": "Pauze",
		"tr.break_hint": "totaal, bijv. 0:30", "tr.continuous": "Doorlopende dienst",
		"tr.continuous_hint": "De dienst loopt door tot de volgende ingevulde tijdregel.",
		"tr.shift24h":        "24-uursdienst",
		"tr.shift24h_hint":   "Begin- en eindtijd zijn gelijk: de dienst duurt precies 24 uur.",
		"tr.hours":           "Uren", "tr.none": "Er zijn nog geen tijden ingevuld.", "tr.add": "Tijdregel toevoegen", "tr.edit": "Tijdregel wijzigen",

		"exp.title": "Onkosten", "exp.type": "Soort", "exp.date": "Datum", "exp.amount": "Bedrag", "exp.description": "Omschrijving",
		"exp.km": "Kilometers", "exp.none": "Er zijn geen onkosten opgegeven.", "exp.form": "Onkostenformulier", "exp.add": "Onkosten toevoegen",
		"exp.auto_hint":      "Onkosten die automatisch worden berekend (per dag of per gewerkt uur) staan hier niet.",
		"exp.type.travel_km": "Reiskosten (km)", "exp.type.parking": "Parkeerkosten", "exp.type.other": "Overige onkosten",
		"exp.km_invalid": "Vul een heel aantal kilometers in.", "exp.amount_invalid": "Vul een bedrag in, bijvoorbeeld 12,50.",

		"rem.title": "Opmerkingen", "rem.none": "Er zijn geen opmerkingen.", "rem.add": "Opmerking toevoegen",
		"rem.text": "Opmerking", "rem.submit": "Opmerking opslaan",

		"offer.title": "Aanbieden", "offer.submit": "Aanbieden",
		"offer.intro": "Zijn alle uren en onkosten van deze week ingevuld? Bied het urenbriefje dan ter ondertekening aan. Daarna kunnen de uren niet meer worden aangepast.",

		"approve.title": "Beoordelen", "approve.intro": "Controleer de uren hieronder en accordeer of keur het urenbriefje af.",
		"approve.submit": "Accorderen", "approve.reason": "Reden van afkeuren", "approve.reject": "Afkeuren",
		"approve.reason_required": "Geef een reden op waarom u het urenbriefje afkeurt.",

		"history.title": "Geschiedenis", "history.back": "Terug naar het urenbriefje", "history.when": "Wanneer",
		"history.who": "Wie", "history.what": "Wat", "history.detail": "Toelichting", "history.empty": "Er is nog niets gebeurd.",
		"event.opened": "Urenbriefje geopend", "event.line_set": "Urenregel ingevuld", "event.line_wiped": "Urenregel gewist",
		"event.time_entry_added": "Tijdregel toegevoegd", "event.time_entry_changed": "Tijdregel gewijzigd",
		"event.time_entry_removed": "Tijdregel verwijderd", "event.expense_added": "Onkosten toegevoegd",
		"event.expense_removed": "Onkosten verwijderd", "event.remark_added": "Opmerking toegevoegd", "event.offered": "Aangeboden",
		"event.step_approved": "Stap geaccordeerd", "event.rejected": "Afgekeurd", "event.approved": "Geaccordeerd",
		"event.imported": "Geïmporteerd", "event.reopened": "Heropend voor correctie",

		"workers.title": "Werknemers", "workers.intro": "Hieronder staan alle actieve plaatsingen van de werknemers.",
		"workers.register": "Nieuwe werknemer inschrijven", "workers.function": "Functie", "workers.client": "Opdrachtgever",
		"workers.period": "Periode", "workers.open_ended": "onbepaald", "workers.timesheets": "Urenbriefjes",
		"workers.none": "Er zijn geen actieve plaatsingen.",

		"register.title":  "Nieuwe werknemer inschrijven",
		"register.intro":  "Vul de gegevens van de werknemer in. Velden met * zijn verplicht. De werknemer ontvangt de inloggegevens per e-mail.",
		"register.person": "Persoonsgegevens", "register.contact": "Contact en adres", "register.placement": "Plaatsing",
		"register.first": "Voornaam", "register.infix": "Tussenvoegsel", "register.last": "Achternaam",
		"register.dob": "Geboortedatum", "register.bsn": "BSN", "register.iban": "IBAN", "register.mobile": "Mobiel nummer",
		"register.street": "Straat", "register.house_number": "Huisnummer", "register.postal_code": "Postcode",
		"register.city": "Plaats", "register.country": "Land (code)", "register.start": "Eerste werkdag",
		"register.end": "Einddatum (optioneel)", "register.submit": "Inschrijven",
		"register.required": "Dit veld is verplicht.", "register.date_invalid": "Vul een geldige datum in.",

		"nav.other": "Overige", "other.nav": "Overige onderdelen", "other.invoices": "Facturen",
		"other.documents": "Documenten", "other.report": "Urenrapport",
		"flash.uploaded": "Het document is aangeboden.", "flash.signed": "U heeft het document ondertekend.",
		"flash.declined": "U heeft het document niet akkoord gegeven. Backofficebureau ontvangt hiervan bericht.",

		"invoices.title": "Facturen", "invoices.number": "Factuurnummer", "invoices.date": "Factuurdatum",
		"invoices.amount": "Bedrag (incl. btw)", "invoices.none": "Er zijn nog geen facturen.",

		"documents.title": "Documenten", "documents.upload": "Document aanbieden",
		"documents.intro": "Hier staan uw documenten, de nieuwste bovenaan. Met de knop ‘document aanbieden’ biedt u een nieuw document aan, bijvoorbeeld een kopie ID-bewijs.",
		"documents.none":  "Er zijn nog geen documenten.",
		"doc.title":       "Titel", "doc.file": "Bestand", "doc.size": "Grootte", "doc.date": "Datum", "doc.uploaded_by": "Aangeboden door",
		"doc.signature": "Ondertekening", "doc.category": "Soort document", "doc.category.general": "Algemeen",
		"doc.category.id_copy": "Kopie ID-bewijs", "doc.sha256": "Controlegetal (SHA-256)",
		"doc.view": "Bekijken of printen", "doc.download": "Downloaden",
		"doc.restricted":      "Alleen in te zien door de backoffice en de werknemer",
		"doc.restricted.long": "Dit document kan alleen door de backoffice en de werknemer zelf worden ingezien. Kopieën van ID-bewijzen worden niet aan opdrachtgevers en intermediairs getoond.",
		"signature.requested": "Ter ondertekening", "signature.signed": "Ondertekend", "signature.declined": "Niet akkoord",

		"upload.title":        "Document aanbieden",
		"upload.intro":        "Kies een titel, de soort document en het bestand. Velden met * zijn verplicht.",
		"upload.max_size":     "De maximum grootte van een document is 2Mb. Verklein eventueel plaatjes in een document om de grootte van het document te reduceren.",
		"upload.id_copy_hint": "Een kopie ID-bewijs is daarna alleen voor de backoffice en de werknemer zelf in te zien.",
		"upload.submit":       "Aanbieden", "upload.title_required": "Vul een titel in.",
		"upload.category_invalid": "Kies een soort document.", "upload.file_required": "Kies een bestand.",
		"upload.file_empty": "Het bestand is leeg.", "upload.file_unreadable": "Het bestand kon niet worden gelezen. Probeer het opnieuw.",
		"upload.too_large":         "Het bestand is groter dan 2Mb. Verklein eventueel plaatjes in het document en probeer het opnieuw.",
		"upload.title_backoffice":  "Document of factuur toevoegen",
		"upload.intro_backoffice":  "Kies de opdrachtgever, de soort, een titel en het bestand. Voor een factuur vult u ook het factuurnummer, de factuurdatum en het bedrag in. Velden met * zijn verplicht.",
		"upload.submit_backoffice": "Toevoegen", "upload.client_choose": "Kies een opdrachtgever",
		"upload.client_required": "Kies een opdrachtgever.", "upload.kind": "Soort",
		"upload.kind.document": "Document", "upload.kind.invoice": "Factuur", "upload.kind_invalid": "Kies document of factuur.",
		"upload.invoice": "Factuurgegevens (alleen voor een factuur)", "upload.amount": "Bedrag in euro's (incl. btw)",
		"upload.amount_hint":     "Bijvoorbeeld 1.234,56. Een creditfactuur heeft een negatief bedrag, zoals -250,00.",
		"upload.number_required": "Vul het factuurnummer in.", "upload.date_invalid": "Vul een geldige factuurdatum in.",
		"upload.amount_required": "Vul het bedrag in.", "upload.amount_invalid": "Vul een geldig bedrag in, bijvoorbeeld 1.234,56.",
		"invoices.add":        "Factuur toevoegen",
		"flash.invoice_added": "De factuur is toegevoegd.", "flash.document_added": "Het document is toegevoegd.",
		"flash.signature_requested": "Het verzoek is verstuurd.",
		// Document versions, the worker of an ID copy and the signing evidence.
		"doc.version": "Versie", "document.versions": "Versies", "document.request_version": "Gevraagd voor versie",
		"document.new_version":        "Nieuwe versie aanbieden",
		"document.new_version_hint":   "Kies het bestand van de nieuwe versie. Eerdere versies blijven te downloaden; een handtekening geldt alleen voor de versie waarop zij is gezet.",
		"document.new_version_submit": "Nieuwe versie aanbieden", "flash.version_added": "De nieuwe versie is aangeboden.",
		"document.superseded":   "Er is een nieuwe versie aangeboden; dit verzoek geldt niet meer. Voor de nieuwe versie is een nieuwe handtekening nodig.",
		"document.signed_older": "De handtekening geldt voor een eerdere versie. De huidige versie is nog niet ondertekend.",
		"document.evidence":     "Bewijs van ondertekening (PDF)", "signature.superseded": "Nieuwe versie, niet ondertekend",
		"upload.worker": "Werknemer (optioneel)", "upload.worker_none": "Geen werknemer",
		"upload.worker_hint": "Koppel bijvoorbeeld een kopie ID-bewijs aan de werknemer. U ziet daarna dat het document er is, maar niet de inhoud.",
		"request.title":      "Handtekening vragen",
		"request.intro":      "Kies wie van de opdrachtgever het document moet ondertekenen. Die ontvangt een e-mail met de link en de TAN-code.",
		"request.signer":     "Ondertekenaar", "request.choose": "Kies een gebruiker", "request.submit": "Handtekening vragen",
		"request.none": "Deze opdrachtgever heeft geen actieve gebruikers.", "request.signer_required": "Kies een ondertekenaar.",

		"document.title": "Document", "document.back": "Terug naar de documenten", "document.back_invoices": "Terug naar de facturen",
		"document.sign_waiting": "Dit document wacht op uw handtekening.", "document.sign": "Ondertekenen",
		"document.signature": "Digitale handtekening", "document.requested_at": "Gevraagd op", "document.signer": "Ondertekenaar",
		"document.decided_at": "Beslist op",

		"sign.title": "Document ondertekenen",
		"sign.intro": "Bekijk het document, vul de 4-letter verificatiecode in die u per sms of in de e-mail heeft ontvangen en kies Akkoord of Niet akkoord.",
		"sign.view":  "Document bekijken of printen", "sign.tan": "Verificatiecode (4 letters)",
		"sign.tan_hint": "De code staat in de e-mail met de link of is los per sms verstuurd.",
		"sign.remark":   "Opmerking voor Backofficebureau (optioneel)", "sign.read": "Ik heb het document gelezen",
		"sign.accept": "Akkoord", "sign.decline": "Niet akkoord",
		"sign.decline_hint": "Bij Niet akkoord ontvangt Backofficebureau hiervan een e-mailbericht.",
		"sign.tan_required": "Vul de verificatiecode in.", "sign.read_required": "Vink aan dat u het document heeft gelezen.",
		"sign.blocked": "Er is te vaak een onjuiste verificatiecode ingevuld. Het ondertekenen is geblokkeerd; neem contact op met Backofficebureau voor een nieuw verzoek.",
		"sign.decided": "Over dit document is al beslist:", "sign.to_document": "Naar het document",
		"sign.expired": "Dit verzoek is verlopen; vraag Backofficebureau om een nieuw verzoek.",

		"report.title": "Urenrapport", "report.intro": "Geaccordeerde en geïmporteerde uren per werknemer en week, met een kolom per uursoort.",
		"report.from": "Van week", "report.to": "Tot en met week", "report.show": "Toon",
		"report.week_hint": "Een week als 2026-W05 (jaar, W, weeknummer).", "report.csv": "Download als CSV (Excel)",
		"report.expenses": "Onkosten", "report.totals": "Totaal", "report.none": "Er zijn geen geaccordeerde uren in deze weken.",
		"report.week_invalid":   "Vul een geldige week in, bijvoorbeeld 2026-W05.",
		"report.to_before_from": "De laatste week ligt vóór de eerste week.",

		"outbox.title": "Berichten (demo)", "outbox.intro": "In de demo worden e-mails en sms-berichten niet verstuurd maar hier getoond.",
		"outbox.to": "aan", "outbox.empty": "Er zijn nog geen berichten.",

		"role.worker": "werknemer", "role.client": "opdrachtgever", "role.intermediary": "intermediair",
		"role.backoffice": "backoffice", "role.payroll": "salarispakket", "role.auditor": "auditor", "role.system": "systeem",

		"yes": "ja", "no": "nee", "edit": "Wijzigen", "delete": "Verwijderen", "save": "Opslaan", "cancel": "Annuleren",

		"day.short.0": "ma", "day.short.1": "di", "day.short.2": "wo", "day.short.3": "do", "day.short.4": "vr", "day.short.5": "za", "day.short.6": "zo",
		"day.long.0": "maandag", "day.long.1": "dinsdag", "day.long.2": "woensdag", "day.long.3": "donderdag",
		"day.long.4": "vrijdag", "day.long.5": "zaterdag", "day.long.6": "zondag",
		"month.1": "januari", "month.2": "februari", "month.3": "maart", "month.4": "april", "month.5": "mei", "month.6": "juni",
		"month.7": "juli", "month.8": "augustus", "month.9": "september", "month.10": "oktober", "month.11": "november", "month.12": "december",
	},
	"en": {
		"app.name":   "Backoffice Digital",
		"app.footer": "Backoffice Digital · hours, workers and approval",

		"nav.skip": "Skip to content", "nav.label": "Main menu", "nav.home": "Home", "nav.timesheets": "Timesheets",
		"nav.workers": "Workers", "nav.outbox": "Messages (demo)", "nav.logout": "Log out",

		"notice.stale": "The data is still being updated. Refresh the page in a moment if your change is not visible yet.",

		"flash.saved": "The hours have been saved.", "flash.line_added": "The hour line has been added.",
		"flash.line_wiped": "The hour line has been wiped.", "flash.entry_saved": "The time entry has been saved.",
		"flash.entry_removed": "The time entry has been deleted.", "flash.expense_added": "The expense has been added.",
		"flash.expense_removed": "The expense has been deleted.", "flash.remark_added": "The remark has been added.",
		"flash.offer_withdrawn": "The offer has been withdrawn; you can change the hours again.",
		"withdraw.intro":        "Nobody has approved this timesheet yet.", "withdraw.submit": "Withdraw the offer",
		"event.offer_withdrawn": "Offer withdrawn",
		"flash.offered":         "The timesheet has been offered.", "flash.approved": "The timesheet has been approved.",
		"flash.approved_many": "The selected timesheets have been approved.", "flash.rejected": "The timesheet has been rejected.",
		"flash.logged_out": "You have been logged out.", "flash.password_set": "Your password has been set. You can log in now.",
		"flash.reset_sent": "If we know this e-mail address, you will receive an e-mail with a link to choose a new password within a few minutes.",
		"flash.registered": "The worker has been registered. The login details are sent by e-mail.",

		"login.title": "Log in", "login.submit": "Log in", "login.forgot": "Forgot your password?", "login.back": "Back to log in",
		"field.email": "E-mail address", "field.password": "Password", "field.new_password": "New password",
		"field.repeat_password": "Repeat the password",
		"activate.title":        "Activate your account", "activate.intro": "Welcome! Choose a password to activate your account.",
		"reset.title": "Choose a new password", "reset.intro": "Choose a new password. You can log in with it right away.",
		"password.hint": "At least 12 characters. A sentence of a few words is strong and easy to remember.",
		"password.save": "Save password", "password.mismatch": "The passwords do not match.",
		"forgot.title": "Forgot your password", "forgot.intro": "Enter your e-mail address. You will receive an e-mail with a link to choose a new password.",
		"forgot.submit": "Send the link",

		"error.title": "That did not work", "error.home": "Go to the home page",
		"unavailable.title":        "One moment, please",
		"error.method_not_allowed": "This action is not possible here.",

		"home.title": "Home", "home.status": "Status overview of the hours",
		"home.waiting":  "%d timesheets are waiting for you.",
		"home.deadline": "Enter the hours every week before Tuesday, so your intermediary can check and approve them before Wednesday 10:00.",

		"status.none": "Not entered", "status.open": "Open", "status.offered": "Offered", "status.rejected": "Rejected",
		"status.not_approved": "Not approved", "status.approved": "Approved", "status.imported": "Imported",
		"status.open.help":         "Only entered by the worker or client.",
		"status.offered.help":      "Entered and offered to the client/worker.",
		"status.rejected.help":     "Entered and offered to the client/worker, who rejected the timesheet.",
		"status.not_approved.help": "The three statuses above together are not approved: the client has not yet approved these hours for payroll.",
		"status.approved.help":     "Approved, but the hours have not yet been imported into the payroll package.",
		"status.imported.help":     "The hours have been imported into the payroll package.",

		"list.title": "Timesheets", "list.filter": "Status", "list.all": "All", "list.apply": "Show",
		"list.new_for": "New timesheet for", "list.new": "Enter hours", "list.select": "Select",
		"list.select_one": "Select %s, %s", "list.waiting_for_me": "Waiting for you", "list.bulk_approve": "Approve selected timesheets",
		"list.empty":       "There are no timesheets with this status.",
		"list.bulk_failed": "%d timesheets were approved; these could not be approved because they changed or were already approved: %s.",
		"col.worker":       "Worker", "col.week": "Week", "col.status": "Status", "col.total": "Total", "col.next": "Whose turn",
		"col.deadline": "Approve before", "col.hour_type": "Hour type", "col.actions": "Actions",
		"late": "Late", "legend": "Legend", "week.label": "week %d (%d)",

		"weeks.title": "Week overview", "weeks.year_nav": "Choose year", "weeks.tile": "Week %d: %s",
		"weeks.help":         "Choose a week to open its timesheet. Hover over a week (or Tab to it) to see its start and end date. Grey weeks cannot be filled in yet.",
		"weeks.not_fillable": "Not fillable yet",

		"sheet.title": "Timesheet", "sheet.nav": "Timesheet navigation", "sheet.prev": "Previous week", "sheet.next": "Next week",
		"sheet.entry_deadline": "Enter before", "sheet.approval_deadline": "Approve before",
		"sheet.offered_late": "Offered late", "sheet.approved_late": "Approved late",
		"sheet.locked":     "The timesheet has been offered and can no longer be changed.",
		"sheet.next_party": "Next to review", "sheet.rejected_by": "Rejected by %s",
		"sheet.hours": "Hours", "sheet.from_tr": "from time registration", "sheet.no_lines": "No hours have been entered yet.",
		"sheet.day_total": "Total per day", "sheet.save": "Save hours", "sheet.wipe": "Wipe",
		"sheet.hours_hint": "Enter hours as 8, 7.5 or 7:30.", "sheet.add_type": "Other hour type", "sheet.add": "Add",

		"tr.title": "Time registration", "tr.day": "Day", "tr.start": "Start time", "tr.end": "End time", "tr.break": "Break",
		"tr.break_hint": "total, e.g. 0:30", "tr.continuous": "Continuous shift",
		"tr.continuous_hint": "The shift runs on until the next entered line.",
		"tr.shift24h":        "24-hour shift",
		"tr.shift24h_hint":   "Start and end are the same time: the shift lasts exactly 24 hours.",
		"tr.hours":           "Hours", "tr.none": "No times have been entered yet.", "tr.add": "Add time entry", "tr.edit": "Change time entry",

		"exp.title": "Expenses", "exp.type": "Type", "exp.date": "Date", "exp.amount": "Amount", "exp.description": "Description",
		"exp.km": "Kilometres", "exp.none": "No expenses have been claimed.", "exp.form": "Expense form", "exp.add": "Add expense",
		"exp.auto_hint":      "Expenses computed automatically (per day or per hour worked) are not shown here.",
		"exp.type.travel_km": "Travel (km)", "exp.type.parking": "Parking", "exp.type.other": "Other expenses",
		"exp.km_invalid": "Enter a whole number of kilometres.", "exp.amount_invalid": "Enter an amount, e.g. 12.50.",

		"rem.title": "Remarks", "rem.none": "There are no remarks.", "rem.add": "Add a remark",
		"rem.text": "Remark", "rem.submit": "Save remark",

		"offer.title": "Offer", "offer.submit": "Offer for approval",
		"offer.intro": "Have all hours and expenses of this week been entered? Then offer the timesheet for approval. After that the hours can no longer be changed.",

		"approve.title": "Review", "approve.intro": "Check the hours below, then approve or reject the timesheet.",
		"approve.submit": "Approve", "approve.reason": "Reason for rejecting", "approve.reject": "Reject",
		"approve.reason_required": "Give a reason why you reject the timesheet.",

		"history.title": "History", "history.back": "Back to the timesheet", "history.when": "When",
		"history.who": "Who", "history.what": "What", "history.detail": "Details", "history.empty": "Nothing has happened yet.",
		"event.opened": "Timesheet opened", "event.line_set": "Hour line entered", "event.line_wiped": "Hour line wiped",
		"event.time_entry_added": "Time entry added", "event.time_entry_changed": "Time entry changed",
		"event.time_entry_removed": "Time entry deleted", "event.expense_added": "Expense added",
		"event.expense_removed": "Expense deleted", "event.remark_added": "Remark added", "event.offered": "Offered",
		"event.step_approved": "Step approved", "event.rejected": "Rejected", "event.approved": "Approved",
		"event.imported": "Imported", "event.reopened": "Reopened for correction",

		"workers.title": "Workers", "workers.intro": "These are all active placements of the workers.",
		"workers.register": "Register a new worker", "workers.function": "Function", "workers.client": "Client",
		"workers.period": "Period", "workers.open_ended": "open-ended", "workers.timesheets": "Timesheets",
		"workers.none": "There are no active placements.",

		"register.title":  "Register a new worker",
		"register.intro":  "Enter the worker's details. Fields marked * are required. The worker receives the login details by e-mail.",
		"register.person": "Personal details", "register.contact": "Contact and address", "register.placement": "Placement",
		"register.first": "First name", "register.infix": "Name prefix", "register.last": "Last name",
		"register.dob": "Date of birth", "register.bsn": "BSN (citizen service number)", "register.iban": "IBAN", "register.mobile": "Mobile number",
		"register.street": "Street", "register.house_number": "House number", "register.postal_code": "Postal code",
		"register.city": "City", "register.country": "Country (code)", "register.start": "First working day",
		"register.end": "End date (optional)", "register.submit": "Register",
		"register.required": "This field is required.", "register.date_invalid": "Enter a valid date.",

		"nav.other": "Other", "other.nav": "Other sections", "other.invoices": "Invoices",
		"other.documents": "Documents", "other.report": "Hours report",
		"flash.uploaded": "The document has been offered.", "flash.signed": "You have signed the document.",
		"flash.declined": "You have declined the document. The back office is notified.",

		"invoices.title": "Invoices", "invoices.number": "Invoice number", "invoices.date": "Invoice date",
		"invoices.amount": "Amount (incl. VAT)", "invoices.none": "There are no invoices yet.",

		"documents.title": "Documents", "documents.upload": "Offer a document",
		"documents.intro": "These are your documents, newest first. Use ‘Offer a document’ to offer a new one, for example a copy of an ID.",
		"documents.none":  "There are no documents yet.",
		"doc.title":       "Title", "doc.file": "File", "doc.size": "Size", "doc.date": "Date", "doc.uploaded_by": "Offered by",
		"doc.signature": "Signature", "doc.category": "Kind of document", "doc.category.general": "General",
		"doc.category.id_copy": "Copy of ID", "doc.sha256": "Checksum (SHA-256)",
		"doc.view": "View or print", "doc.download": "Download",
		"doc.restricted":      "Only for the back office and the worker",
		"doc.restricted.long": "Only the back office and the worker concerned can open this document. Copies of IDs are not shown to clients and intermediaries.",
		"signature.requested": "Awaiting signature", "signature.signed": "Signed", "signature.declined": "Declined",

		"upload.title":        "Offer a document",
		"upload.intro":        "Choose a title, the kind of document and the file. Fields marked * are required.",
		"upload.max_size":     "A document can be at most 2 MB. Make images in a document smaller to reduce its size.",
		"upload.id_copy_hint": "A copy of an ID can afterwards only be opened by the back office and the worker.",
		"upload.submit":       "Offer", "upload.title_required": "Enter a title.",
		"upload.category_invalid": "Choose a kind of document.", "upload.file_required": "Choose a file.",
		"upload.file_empty": "The file is empty.", "upload.file_unreadable": "The file could not be read. Please try again.",
		"upload.too_large":         "The file is larger than 2 MB. Make images in the document smaller and try again.",
		"upload.title_backoffice":  "Add a document or invoice",
		"upload.intro_backoffice":  "Choose the client, the kind, a title and the file. For an invoice also enter its number, date and amount. Fields marked * are required.",
		"upload.submit_backoffice": "Add", "upload.client_choose": "Choose a client",
		"upload.client_required": "Choose a client.", "upload.kind": "Kind",
		"upload.kind.document": "Document", "upload.kind.invoice": "Invoice", "upload.kind_invalid": "Choose document or invoice.",
		"upload.invoice": "Invoice details (for an invoice only)", "upload.amount": "Amount in euros (incl. VAT)",
		"upload.amount_hint":     "Dutch notation, for example 1.234,56. A credit note has a negative amount, such as -250,00.",
		"upload.number_required": "Enter the invoice number.", "upload.date_invalid": "Enter a valid invoice date.",
		"upload.amount_required": "Enter the amount.", "upload.amount_invalid": "Enter a valid amount, for example 1.234,56.",
		"invoices.add":        "Add an invoice",
		"flash.invoice_added": "The invoice has been added.", "flash.document_added": "The document has been added.",
		"flash.signature_requested": "The request has been sent.",
		"doc.version":               "Version", "document.versions": "Versions", "document.request_version": "Requested for version",
		"document.new_version":        "Offer a new version",
		"document.new_version_hint":   "Choose the file of the new version. Earlier versions stay downloadable; a signature only covers the version it was given on.",
		"document.new_version_submit": "Offer the new version", "flash.version_added": "The new version has been offered.",
		"document.superseded":   "A new version was offered; this request no longer applies. The new version needs a new signature.",
		"document.signed_older": "The signature covers an earlier version. The current version is not signed yet.",
		"document.evidence":     "Proof of signing (PDF)", "signature.superseded": "New version, not signed",
		"upload.worker": "Worker (optional)", "upload.worker_none": "No worker",
		"upload.worker_hint": "Link, for example, a copy of an ID to the worker. You will then see that the document is there, but not its content.",
		"request.title":      "Ask for a signature",
		"request.intro":      "Choose who at the client is to sign the document. They receive an e-mail with the link and the TAN code.",
		"request.signer":     "Signer", "request.choose": "Choose a user", "request.submit": "Ask for a signature",
		"request.none": "This client has no active users.", "request.signer_required": "Choose a signer.",

		"document.title": "Document", "document.back": "Back to the documents", "document.back_invoices": "Back to the invoices",
		"document.sign_waiting": "This document is waiting for your signature.", "document.sign": "Sign",
		"document.signature": "Digital signature", "document.requested_at": "Requested on", "document.signer": "Signer",
		"document.decided_at": "Decided on",

		"sign.title": "Sign the document",
		"sign.intro": "View the document, enter the 4-letter verification code you received by text message or in the e-mail, and choose Agree or Disagree.",
		"sign.view":  "View or print the document", "sign.tan": "Verification code (4 letters)",
		"sign.tan_hint": "The code is in the e-mail with the link, or was sent separately by text message.",
		"sign.remark":   "Remark for the back office (optional)", "sign.read": "I have read the document",
		"sign.accept": "Agree", "sign.decline": "Disagree",
		"sign.decline_hint": "If you disagree, the back office receives an e-mail about it.",
		"sign.tan_required": "Enter the verification code.", "sign.read_required": "Tick that you have read the document.",
		"sign.blocked": "A wrong verification code was entered too often. Signing is blocked; contact the back office for a new request.",
		"sign.decided": "This document has already been decided:", "sign.to_document": "Go to the document",
		"sign.expired": "This request has expired; ask Backofficebureau for a new request.",

		"report.title": "Hours report", "report.intro": "Approved and imported hours per worker and week, with a column per hour type.",
		"report.from": "From week", "report.to": "Up to and including week", "report.show": "Show",
		"report.week_hint": "A week such as 2026-W05 (year, W, week number).", "report.csv": "Download as CSV (Excel)",
		"report.expenses": "Expenses", "report.totals": "Total", "report.none": "There are no approved hours in these weeks.",
		"report.week_invalid":   "Enter a valid week, for example 2026-W05.",
		"report.to_before_from": "The last week is before the first week.",

		"outbox.title": "Messages (demo)", "outbox.intro": "In the demo, e-mails and text messages are not sent but shown here.",
		"outbox.to": "to", "outbox.empty": "There are no messages yet.",

		"role.worker": "worker", "role.client": "client", "role.intermediary": "intermediary",
		"role.backoffice": "back office", "role.payroll": "payroll package", "role.auditor": "auditor", "role.system": "system",

		"yes": "yes", "no": "no", "edit": "Change", "delete": "Delete", "save": "Save", "cancel": "Cancel",

		"day.short.0": "Mon", "day.short.1": "Tue", "day.short.2": "Wed", "day.short.3": "Thu", "day.short.4": "Fri", "day.short.5": "Sat", "day.short.6": "Sun",
		"day.long.0": "Monday", "day.long.1": "Tuesday", "day.long.2": "Wednesday", "day.long.3": "Thursday",
		"day.long.4": "Friday", "day.long.5": "Saturday", "day.long.6": "Sunday",
		"month.1": "Jan", "month.2": "Feb", "month.3": "Mar", "month.4": "Apr", "month.5": "May", "month.6": "Jun",
		"month.7": "Jul", "month.8": "Aug", "month.9": "Sep", "month.10": "Oct", "month.11": "Nov", "month.12": "Dec",
	},
}

// keysOf lists a language's keys (for tests).
func keysOf(lang string) []string {
	out := make([]string, 0, len(catalogue[lang]))
	for k := range catalogue[lang] {
		out = append(out, k)
	}
	return out
}
