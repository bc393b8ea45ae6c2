//! Generated fixture sets of any size, for benchmarks and load tests.
//!
//! `freshmock generate --articles N` writes a fixture folder that `freshmock check` accepts:
//! the demo personas (alice@globex.test and friends, with the same companies, segments and
//! agents), widget `12000000025` linking every category but one, folders of every
//! visibility kind in every category, and `N` articles whose titles and bodies come from a
//! small help-centre vocabulary in each language (en, fr, de, es), so that searches such as
//! `password` or `invoice` find a realistic share of them. The same options and seed always
//! give the same files.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use freshmock::fixtures::{
    Account, Agent, Article, ArticleAttachment, ArticleStatus, Category, Company, Contact,
    ContactState, Features, FixtureError, FixtureSet, Folder, Id, Segment, Segments,
    SuggestionRule, Translation, Visibility, Widget, WidgetSettings,
};
use freshmock::Lang;

/// Languages used unless told otherwise.
pub const DEFAULT_LANGUAGES: &str = "en,fr,de";
/// Seed used unless told otherwise.
pub const DEFAULT_SEED: u64 = 1;
/// The widget every generated set has, linking every category but the last.
pub const WIDGET_ID: Id = 12_000_000_025;
/// Roughly one category per this many articles (at least three).
const ARTICLES_PER_CATEGORY: usize = 2500;
/// The first generated article id; ids then follow one another.
const FIRST_ARTICLE_ID: Id = 1_000_001;
const FIRST_ATTACHMENT_ID: Id = 7_000_001;
/// Chance (in percent) that an article is a draft, that a non-primary translation is
/// missing, and that a translation carries an attachment.
const DRAFT_PERCENT: u64 = 4;
const MISSING_TRANSLATION_PERCENT: u64 = 10;
const ATTACHMENT_PERCENT: u64 = 3;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub articles: usize,
    /// The primary language first, then the other portal languages.
    pub languages: Vec<Lang>,
    pub seed: u64,
}

impl Options {
    /// Options from a comma-separated language list (`en,fr,de`), primary first.
    pub fn new(articles: usize, languages: &str, seed: u64) -> Result<Options, GenerateError> {
        let mut langs = Vec::new();
        for code in languages
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let lang = Lang::parse(code)
                .filter(|l| vocabulary(*l).is_some())
                .ok_or_else(|| GenerateError::Language(code.to_owned()))?;
            if !langs.contains(&lang) {
                langs.push(lang);
            }
        }
        if langs.is_empty() {
            return Err(GenerateError::Language(languages.to_owned()));
        }
        Ok(Options {
            articles,
            languages: langs,
            seed,
        })
    }
}

/// Why a fixture set could not be generated or written.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("cannot generate text in '{0}': the generator knows en, fr, de and es")]
    Language(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the generated set is invalid (a generator bug): {0}")]
    Invalid(#[from] FixtureError),
}

/// SplitMix64: small, fast and the same everywhere, which is all a generator needs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// One subject a help centre writes about, in each language (en, fr, de, es order).
struct Topic {
    tag: &'static str,
    tags: &'static [&'static str],
    /// What it is about, as a noun phrase.
    thing: [&'static str; 4],
    /// What the customer wants to do, as an infinitive phrase.
    action: [&'static str; 4],
}

const fn topic(
    tag: &'static str,
    tags: &'static [&'static str],
    thing: [&'static str; 4],
    action: [&'static str; 4],
) -> Topic {
    Topic {
        tag,
        tags,
        thing,
        action,
    }
}

const TOPICS: [Topic; 30] = [
    topic(
        "password",
        &["login", "security"],
        ["password", "mot de passe", "Passwort", "contraseña"],
        [
            "reset your password",
            "réinitialiser votre mot de passe",
            "Ihr Passwort zurücksetzen",
            "restablecer su contraseña",
        ],
    ),
    topic(
        "2fa",
        &["security", "login"],
        [
            "two-factor authentication",
            "authentification à deux facteurs",
            "Zwei-Faktor-Authentifizierung",
            "autenticación en dos pasos",
        ],
        [
            "set up two-factor authentication",
            "configurer l'authentification à deux facteurs",
            "die Zwei-Faktor-Authentifizierung einrichten",
            "configurar la autenticación en dos pasos",
        ],
    ),
    topic(
        "invoice",
        &["billing"],
        ["invoice", "facture", "Rechnung", "factura"],
        [
            "download an invoice",
            "télécharger une facture",
            "eine Rechnung herunterladen",
            "descargar una factura",
        ],
    ),
    topic(
        "payment",
        &["billing", "card"],
        [
            "payment method",
            "moyen de paiement",
            "Zahlungsmethode",
            "método de pago",
        ],
        [
            "update your payment method",
            "mettre à jour votre moyen de paiement",
            "Ihre Zahlungsmethode aktualisieren",
            "actualizar su método de pago",
        ],
    ),
    topic(
        "plan",
        &["billing", "pricing"],
        ["subscription", "abonnement", "Abonnement", "suscripción"],
        [
            "change your subscription plan",
            "changer de formule d'abonnement",
            "Ihr Abonnement ändern",
            "cambiar su plan de suscripción",
        ],
    ),
    topic(
        "export",
        &["data", "csv"],
        [
            "data export",
            "export de données",
            "Datenexport",
            "exportación de datos",
        ],
        [
            "export your data",
            "exporter vos données",
            "Ihre Daten exportieren",
            "exportar sus datos",
        ],
    ),
    topic(
        "import",
        &["data", "csv"],
        [
            "contact import",
            "import de contacts",
            "Kontaktimport",
            "importación de contactos",
        ],
        [
            "import contacts from a CSV file",
            "importer des contacts depuis un fichier CSV",
            "Kontakte aus einer CSV-Datei importieren",
            "importar contactos desde un archivo CSV",
        ],
    ),
    topic(
        "team",
        &["users", "invite"],
        [
            "team member",
            "membre de l'équipe",
            "Teammitglied",
            "miembro del equipo",
        ],
        [
            "invite a team member",
            "inviter un membre de l'équipe",
            "ein Teammitglied einladen",
            "invitar a un miembro del equipo",
        ],
    ),
    topic(
        "roles",
        &["permissions", "admin"],
        [
            "user role",
            "rôle utilisateur",
            "Benutzerrolle",
            "rol de usuario",
        ],
        [
            "assign user roles",
            "attribuer des rôles utilisateur",
            "Benutzerrollen zuweisen",
            "asignar roles de usuario",
        ],
    ),
    topic(
        "notifications",
        &["email", "settings"],
        [
            "email notification",
            "notification par e-mail",
            "E-Mail-Benachrichtigung",
            "notificación por correo",
        ],
        [
            "turn off email notifications",
            "désactiver les notifications par e-mail",
            "E-Mail-Benachrichtigungen deaktivieren",
            "desactivar las notificaciones por correo",
        ],
    ),
    topic(
        "mobile",
        &["ios", "android"],
        [
            "mobile app",
            "application mobile",
            "mobile App",
            "aplicación móvil",
        ],
        [
            "install the mobile app",
            "installer l'application mobile",
            "die mobile App installieren",
            "instalar la aplicación móvil",
        ],
    ),
    topic(
        "offline",
        &["mobile", "sync"],
        [
            "offline mode",
            "mode hors ligne",
            "Offline-Modus",
            "modo sin conexión",
        ],
        [
            "work in offline mode",
            "travailler en mode hors ligne",
            "im Offline-Modus arbeiten",
            "trabajar en modo sin conexión",
        ],
    ),
    topic(
        "slack",
        &["integrations"],
        [
            "Slack integration",
            "intégration Slack",
            "Slack-Integration",
            "integración con Slack",
        ],
        [
            "connect Slack",
            "connecter Slack",
            "Slack verbinden",
            "conectar Slack",
        ],
    ),
    topic(
        "api",
        &["developers", "integrations"],
        ["API key", "clé API", "API-Schlüssel", "clave de API"],
        [
            "generate an API key",
            "générer une clé API",
            "einen API-Schlüssel erzeugen",
            "generar una clave de API",
        ],
    ),
    topic(
        "webhooks",
        &["developers"],
        ["webhook", "webhook", "Webhook", "webhook"],
        [
            "configure webhooks",
            "configurer des webhooks",
            "Webhooks konfigurieren",
            "configurar webhooks",
        ],
    ),
    topic(
        "reports",
        &["analytics"],
        ["report", "rapport", "Bericht", "informe"],
        [
            "schedule a report",
            "planifier un rapport",
            "einen Bericht planen",
            "programar un informe",
        ],
    ),
    topic(
        "dashboard",
        &["analytics"],
        ["dashboard", "tableau de bord", "Dashboard", "panel"],
        [
            "customize your dashboard",
            "personnaliser votre tableau de bord",
            "Ihr Dashboard anpassen",
            "personalizar su panel",
        ],
    ),
    topic(
        "sso",
        &["security", "login"],
        [
            "single sign-on",
            "authentification unique",
            "Single Sign-On",
            "inicio de sesión único",
        ],
        [
            "enable single sign-on",
            "activer l'authentification unique",
            "Single Sign-On aktivieren",
            "activar el inicio de sesión único",
        ],
    ),
    topic(
        "account",
        &["privacy"],
        ["account", "compte", "Konto", "cuenta"],
        [
            "delete your account",
            "supprimer votre compte",
            "Ihr Konto löschen",
            "eliminar su cuenta",
        ],
    ),
    topic(
        "email",
        &["profile"],
        [
            "email address",
            "adresse e-mail",
            "E-Mail-Adresse",
            "dirección de correo",
        ],
        [
            "change your email address",
            "modifier votre adresse e-mail",
            "Ihre E-Mail-Adresse ändern",
            "cambiar su dirección de correo",
        ],
    ),
    topic(
        "language",
        &["profile", "settings"],
        [
            "interface language",
            "langue de l'interface",
            "Sprache der Oberfläche",
            "idioma de la interfaz",
        ],
        [
            "change the interface language",
            "changer la langue de l'interface",
            "die Sprache der Oberfläche ändern",
            "cambiar el idioma de la interfaz",
        ],
    ),
    topic(
        "timezone",
        &["settings"],
        ["time zone", "fuseau horaire", "Zeitzone", "zona horaria"],
        [
            "set your time zone",
            "définir votre fuseau horaire",
            "Ihre Zeitzone einstellen",
            "configurar su zona horaria",
        ],
    ),
    topic(
        "refund",
        &["billing"],
        ["refund", "remboursement", "Rückerstattung", "reembolso"],
        [
            "request a refund",
            "demander un remboursement",
            "eine Rückerstattung beantragen",
            "solicitar un reembolso",
        ],
    ),
    topic(
        "tax",
        &["billing", "invoice"],
        [
            "VAT number",
            "numéro de TVA",
            "Umsatzsteuer-ID",
            "número de IVA",
        ],
        [
            "add your VAT number",
            "ajouter votre numéro de TVA",
            "Ihre Umsatzsteuer-ID hinzufügen",
            "añadir su número de IVA",
        ],
    ),
    topic(
        "backup",
        &["data"],
        ["backup", "sauvegarde", "Sicherung", "copia de seguridad"],
        [
            "restore a backup",
            "restaurer une sauvegarde",
            "eine Sicherung wiederherstellen",
            "restaurar una copia de seguridad",
        ],
    ),
    topic(
        "browser",
        &["troubleshooting"],
        [
            "browser cache",
            "cache du navigateur",
            "Browser-Cache",
            "caché del navegador",
        ],
        [
            "clear your browser cache",
            "vider le cache de votre navigateur",
            "den Browser-Cache leeren",
            "borrar la caché del navegador",
        ],
    ),
    topic(
        "domain",
        &["admin", "dns"],
        [
            "custom domain",
            "domaine personnalisé",
            "eigene Domain",
            "dominio personalizado",
        ],
        [
            "set up a custom domain",
            "configurer un domaine personnalisé",
            "eine eigene Domain einrichten",
            "configurar un dominio personalizado",
        ],
    ),
    topic(
        "audit",
        &["security", "admin"],
        [
            "audit log",
            "journal d'audit",
            "Audit-Protokoll",
            "registro de auditoría",
        ],
        [
            "review the audit log",
            "consulter le journal d'audit",
            "das Audit-Protokoll prüfen",
            "revisar el registro de auditoría",
        ],
    ),
    topic(
        "calendar",
        &["integrations"],
        [
            "calendar sync",
            "synchronisation du calendrier",
            "Kalendersynchronisierung",
            "sincronización del calendario",
        ],
        [
            "sync your calendar",
            "synchroniser votre calendrier",
            "Ihren Kalender synchronisieren",
            "sincronizar su calendario",
        ],
    ),
    topic(
        "storage",
        &["plan"],
        [
            "storage quota",
            "quota de stockage",
            "Speicherkontingent",
            "cuota de almacenamiento",
        ],
        [
            "increase your storage quota",
            "augmenter votre quota de stockage",
            "Ihr Speicherkontingent erhöhen",
            "aumentar su cuota de almacenamiento",
        ],
    ),
];

/// Sentence patterns of one language. Placeholders: `{action}`, `{thing}`, `{Thing}`
/// (capitalised), `{q}` (an optional qualifier with its leading space), `{place}`,
/// `{button}`, `{n}` (a small number).
struct Vocabulary {
    /// Index into the topics' per-language arrays.
    index: usize,
    titles: &'static [&'static str],
    qualifiers: &'static [&'static str],
    intros: &'static [&'static str],
    steps: &'static [&'static str],
    closings: &'static [&'static str],
    tip: &'static str,
    tips: &'static [&'static str],
    places: &'static [&'static str],
    buttons: &'static [&'static str],
    attachment: &'static str,
}

const EN: Vocabulary = Vocabulary {
    index: 0,
    titles: &[
        "How to {action}{q}",
        "Can't {action}{q}?",
        "{Thing}: frequently asked questions",
        "Troubleshooting your {thing}{q}",
        "Getting started with your {thing}",
        "What to do when you cannot {action}",
        "Best practices for your {thing}{q}",
        "Step by step: {action}{q}",
    ],
    qualifiers: &["on Android", "on iPhone", "in the web app", "for administrators", "for new customers", "on a shared account", "in a team workspace"],
    intros: &[
        "This article explains how to {action} in Acme.",
        "Need to {action}? It only takes a few minutes.",
        "Many customers ask how to {action}. Here is the quickest way.",
        "You can {action} yourself, without contacting support.",
        "Before you start, make sure you are signed in with an account that can manage the {thing}.",
        "Your {thing} is managed from your profile, and every change applies to all your devices.",
    ],
    steps: &[
        "Open <strong>{place}</strong>.",
        "Click <strong>{button}</strong>.",
        "Select the {thing} you want to change.",
        "Confirm with <strong>{button}</strong>.",
        "Wait for the confirmation message; it usually arrives within {n} minutes.",
        "Check the result under <strong>{place}</strong>.",
        "Sign out and back in if the change does not show straight away.",
    ],
    closings: &[
        "If something does not work as expected, contact your workspace administrator.",
        "Changes are saved automatically and apply to every device.",
        "Still stuck? Send us a message from the help widget and include a screenshot.",
        "Admins can change this setting for everyone under <strong>{place}</strong>.",
        "For security reasons, we keep a record of every change for {n} days.",
    ],
    tip: "Tip:",
    tips: &[
        "bookmark <strong>{place}</strong> to get there faster next time.",
        "the mobile app offers the same option under <strong>{place}</strong>.",
        "you can undo the change within {n} minutes.",
    ],
    places: &["Settings → Account", "Profile → Security", "Admin → Billing", "Admin → Integrations", "Reports", "Dashboard", "Settings → Notifications", "Help → Contact us"],
    buttons: &["Save", "Continue", "Send link", "Update", "Confirm", "Apply", "Export", "Connect"],
    attachment: "guide",
};

const FR: Vocabulary = Vocabulary {
    index: 1,
    titles: &[
        "Comment {action}{q}",
        "Impossible de {action}{q} ?",
        "{Thing} : questions fréquentes",
        "Résoudre les problèmes de {thing}{q}",
        "Bien démarrer avec votre {thing}",
        "Que faire si vous ne pouvez pas {action}",
        "Bonnes pratiques : {thing}{q}",
        "Pas à pas : {action}{q}",
    ],
    qualifiers: &["sur Android", "sur iPhone", "dans l'application web", "pour les administrateurs", "pour les nouveaux clients", "sur un compte partagé", "dans un espace d'équipe"],
    intros: &[
        "Cet article explique comment {action} dans Acme.",
        "Besoin de {action} ? Cela ne prend que quelques minutes.",
        "Beaucoup de clients nous demandent comment {action}. Voici la méthode la plus rapide.",
        "Vous pouvez {action} vous-même, sans contacter le support.",
        "Avant de commencer, vérifiez que vous êtes connecté avec un compte autorisé à gérer ce paramètre : {thing}.",
        "Ce paramètre ({thing}) se gère depuis votre profil et s'applique à tous vos appareils.",
    ],
    steps: &[
        "Ouvrez <strong>{place}</strong>.",
        "Cliquez sur <strong>{button}</strong>.",
        "Sélectionnez l'élément à modifier : {thing}.",
        "Validez avec <strong>{button}</strong>.",
        "Attendez le message de confirmation ; il arrive en général en moins de {n} minutes.",
        "Vérifiez le résultat dans <strong>{place}</strong>.",
        "Déconnectez-vous puis reconnectez-vous si la modification n'apparaît pas tout de suite.",
    ],
    closings: &[
        "Si quelque chose ne fonctionne pas comme prévu, contactez l'administrateur de votre espace.",
        "Les modifications sont enregistrées automatiquement sur tous vos appareils.",
        "Toujours bloqué ? Écrivez-nous depuis le widget d'aide en joignant une capture d'écran.",
        "Les administrateurs peuvent modifier ce réglage pour tous dans <strong>{place}</strong>.",
        "Par sécurité, nous conservons l'historique de chaque modification pendant {n} jours.",
    ],
    tip: "Astuce :",
    tips: &[
        "ajoutez <strong>{place}</strong> à vos favoris pour y accéder plus vite.",
        "l'application mobile propose la même option dans <strong>{place}</strong>.",
        "vous pouvez annuler la modification pendant {n} minutes.",
    ],
    places: &["Paramètres → Compte", "Profil → Sécurité", "Admin → Facturation", "Admin → Intégrations", "Rapports", "Tableau de bord", "Paramètres → Notifications", "Aide → Nous contacter"],
    buttons: &["Enregistrer", "Continuer", "Envoyer le lien", "Mettre à jour", "Confirmer", "Appliquer", "Exporter", "Connecter"],
    attachment: "guide",
};

const DE: Vocabulary = Vocabulary {
    index: 2,
    titles: &[
        "So können Sie {action}",
        "{Thing}{q}: häufige Fragen",
        "Probleme mit {thing}{q} beheben",
        "Erste Schritte: {thing}",
        "Was tun, wenn Sie {action} möchten und es nicht klappt?",
        "Tipps zu {thing}{q}",
        "Schritt für Schritt: {action}",
        "{Thing}{q} verwalten",
    ],
    qualifiers: &["unter Android", "auf dem iPhone", "in der Web-App", "für Administratoren", "für Neukunden", "im geteilten Konto", "im Team-Arbeitsbereich"],
    intros: &[
        "Dieser Artikel erklärt, wie Sie in Acme {action}.",
        "Sie möchten {action}? Das dauert nur wenige Minuten.",
        "Viele Kunden fragen, wie sie {action} können. Hier ist der schnellste Weg.",
        "Sie können selbst {action}, ohne den Support zu kontaktieren.",
        "Prüfen Sie vorher, ob Sie mit einem Konto angemeldet sind, das {thing} verwalten darf.",
        "{Thing} verwalten Sie in Ihrem Profil; jede Änderung gilt auf allen Geräten.",
    ],
    steps: &[
        "Öffnen Sie <strong>{place}</strong>.",
        "Klicken Sie auf <strong>{button}</strong>.",
        "Wählen Sie den Eintrag aus, den Sie ändern möchten ({thing}).",
        "Bestätigen Sie mit <strong>{button}</strong>.",
        "Warten Sie auf die Bestätigung; sie kommt meist innerhalb von {n} Minuten.",
        "Prüfen Sie das Ergebnis unter <strong>{place}</strong>.",
        "Melden Sie sich ab und wieder an, falls die Änderung nicht sofort sichtbar ist.",
    ],
    closings: &[
        "Falls etwas nicht wie erwartet funktioniert, wenden Sie sich an die Administration Ihres Arbeitsbereichs.",
        "Änderungen werden automatisch gespeichert und gelten auf allen Geräten.",
        "Kommen Sie nicht weiter? Schreiben Sie uns über das Hilfe-Widget und fügen Sie einen Screenshot bei.",
        "Administratoren können diese Einstellung für alle unter <strong>{place}</strong> ändern.",
        "Aus Sicherheitsgründen protokollieren wir jede Änderung {n} Tage lang.",
    ],
    tip: "Tipp:",
    tips: &[
        "Setzen Sie ein Lesezeichen auf <strong>{place}</strong>, um schneller dorthin zu gelangen.",
        "Die mobile App bietet dieselbe Option unter <strong>{place}</strong>.",
        "Sie können die Änderung {n} Minuten lang rückgängig machen.",
    ],
    places: &["Einstellungen → Konto", "Profil → Sicherheit", "Admin → Abrechnung", "Admin → Integrationen", "Berichte", "Dashboard", "Einstellungen → Benachrichtigungen", "Hilfe → Kontakt"],
    buttons: &["Speichern", "Weiter", "Link senden", "Aktualisieren", "Bestätigen", "Übernehmen", "Exportieren", "Verbinden"],
    attachment: "anleitung",
};

const ES: Vocabulary = Vocabulary {
    index: 3,
    titles: &[
        "Cómo {action}{q}",
        "¿No puede {action}{q}?",
        "{Thing}: preguntas frecuentes",
        "Solucionar problemas con {thing}{q}",
        "Primeros pasos: {thing}",
        "Qué hacer si no puede {action}",
        "Buenas prácticas: {thing}{q}",
        "Paso a paso: {action}{q}",
    ],
    qualifiers: &["en Android", "en iPhone", "en la aplicación web", "para administradores", "para nuevos clientes", "en una cuenta compartida", "en un espacio de equipo"],
    intros: &[
        "Este artículo explica cómo {action} en Acme.",
        "¿Necesita {action}? Solo lleva unos minutos.",
        "Muchos clientes preguntan cómo {action}. Esta es la forma más rápida.",
        "Puede {action} usted mismo, sin contactar con soporte.",
        "Antes de empezar, compruebe que ha iniciado sesión con una cuenta que puede gestionar este ajuste: {thing}.",
        "Este ajuste ({thing}) se gestiona desde su perfil y se aplica en todos sus dispositivos.",
    ],
    steps: &[
        "Abra <strong>{place}</strong>.",
        "Haga clic en <strong>{button}</strong>.",
        "Seleccione el elemento que desea cambiar: {thing}.",
        "Confirme con <strong>{button}</strong>.",
        "Espere el mensaje de confirmación; suele llegar en menos de {n} minutos.",
        "Compruebe el resultado en <strong>{place}</strong>.",
        "Cierre la sesión y vuelva a entrar si el cambio no aparece enseguida.",
    ],
    closings: &[
        "Si algo no funciona como esperaba, contacte con el administrador de su espacio.",
        "Los cambios se guardan automáticamente en todos sus dispositivos.",
        "¿Sigue sin poder? Escríbanos desde el widget de ayuda e incluya una captura de pantalla.",
        "Los administradores pueden cambiar este ajuste para todos en <strong>{place}</strong>.",
        "Por seguridad, guardamos un registro de cada cambio durante {n} días.",
    ],
    tip: "Consejo:",
    tips: &[
        "guarde <strong>{place}</strong> en favoritos para llegar antes la próxima vez.",
        "la aplicación móvil ofrece la misma opción en <strong>{place}</strong>.",
        "puede deshacer el cambio durante {n} minutos.",
    ],
    places: &["Ajustes → Cuenta", "Perfil → Seguridad", "Admin → Facturación", "Admin → Integraciones", "Informes", "Panel", "Ajustes → Notificaciones", "Ayuda → Contacto"],
    buttons: &["Guardar", "Continuar", "Enviar enlace", "Actualizar", "Confirmar", "Aplicar", "Exportar", "Conectar"],
    attachment: "guia",
};

fn vocabulary(lang: Lang) -> Option<&'static Vocabulary> {
    match lang.code() {
        "en" => Some(&EN),
        "fr" => Some(&FR),
        "de" => Some(&DE),
        "es" => Some(&ES),
        _ => None,
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Fills one pattern for a topic.
fn fill(pattern: &str, v: &Vocabulary, topic: &Topic, rng: &mut Rng, qualified: bool) -> String {
    let thing = topic.thing[v.index];
    let mut out = pattern
        .replace("{action}", topic.action[v.index])
        .replace("{Thing}", &capitalise(thing))
        .replace("{thing}", thing);
    if out.contains("{q}") {
        let q = if qualified {
            format!(" {}", rng.pick(v.qualifiers))
        } else {
            String::new()
        };
        out = out.replace("{q}", &q);
    }
    while out.contains("{place}") {
        let place = *rng.pick(v.places);
        out = out.replacen("{place}", place, 1);
    }
    while out.contains("{button}") {
        let button = *rng.pick(v.buttons);
        out = out.replacen("{button}", button, 1);
    }
    out.replace("{n}", &(2 + rng.below(29)).to_string())
}

/// The title pattern, qualifier choice and sentence choices are drawn once per article,
/// so that every translation says the same thing.
struct ArticlePlan {
    title: usize,
    qualifier: bool,
    intro: usize,
    steps: Vec<usize>,
    closing: usize,
    tip: Option<usize>,
    seed: u64,
}

impl ArticlePlan {
    fn draw(rng: &mut Rng) -> ArticlePlan {
        let step_count = 3 + rng.below(3) as usize;
        let mut steps = Vec::with_capacity(step_count);
        while steps.len() < step_count {
            let s = rng.below(EN.steps.len() as u64) as usize;
            if !steps.contains(&s) {
                steps.push(s);
            }
        }
        ArticlePlan {
            title: rng.below(EN.titles.len() as u64) as usize,
            qualifier: rng.percent(50),
            intro: rng.below(EN.intros.len() as u64) as usize,
            steps,
            closing: rng.below(EN.closings.len() as u64) as usize,
            tip: rng
                .percent(40)
                .then(|| rng.below(EN.tips.len() as u64) as usize),
            seed: rng.next(),
        }
    }

    fn title(&self, v: &Vocabulary, topic: &Topic) -> String {
        let mut rng = Rng(self.seed);
        fill(v.titles[self.title], v, topic, &mut rng, self.qualifier)
    }

    fn body(&self, v: &Vocabulary, topic: &Topic) -> String {
        let mut rng = Rng(self.seed ^ 0x5EED);
        let mut html = format!(
            "<p>{}</p><ul>",
            fill(v.intros[self.intro], v, topic, &mut rng, false)
        );
        for &s in &self.steps {
            html.push_str(&format!(
                "<li>{}</li>",
                fill(v.steps[s], v, topic, &mut rng, false)
            ));
        }
        html.push_str(&format!(
            "</ul><p>{}</p>",
            fill(v.closings[self.closing], v, topic, &mut rng, false)
        ));
        if let Some(t) = self.tip {
            html.push_str(&format!(
                "<p><strong>{}</strong> {}</p>",
                v.tip,
                fill(v.tips[t], v, topic, &mut rng, false)
            ));
        }
        html
    }
}

/// Help-centre sections, in the order categories are named.
const CATEGORY_NAMES: [&str; 12] = [
    "Getting started",
    "Billing",
    "Account and security",
    "Integrations",
    "Mobile apps",
    "Reporting",
    "Administration",
    "Data and privacy",
    "Troubleshooting",
    "Developers",
    "Team workspaces",
    "Release notes",
];

/// The folders of every category: name, visibility and share of the articles (percent).
const FOLDERS: [(&str, Visibility, u64); 8] = [
    ("General", Visibility::Anyone, 35),
    ("How-to guides", Visibility::Anyone, 20),
    ("Members area", Visibility::LoggedIn, 20),
    ("Agent playbooks", Visibility::Agents, 5),
    ("Customer corner", Visibility::Companies, 10),
    ("Bot answers", Visibility::Bots, 2),
    ("Beta programme", Visibility::ContactSegments, 4),
    ("Enterprise desk", Visibility::CompanySegments, 4),
];

const FIRST_NAMES: [&str; 16] = [
    "Ada", "Ben", "Chloé", "David", "Elena", "Felix", "Grace", "Hugo", "Ines", "Jonas", "Kira",
    "Liam", "Mia", "Noah", "Olga", "Pablo",
];
const LAST_NAMES: [&str; 16] = [
    "Ahmed", "Berger", "Costa", "Dubois", "Evans", "Fischer", "García", "Hansen", "Ivanova",
    "Jensen", "Kowalski", "Lambert", "Müller", "Nakamura", "Okafor", "Petit",
];
const COMPANY_PARTS: [[&str; 8]; 2] = [
    [
        "North", "Blue", "Iron", "Silver", "Bright", "Red", "Green", "Star",
    ],
    [
        "wind", "field", "works", "ridge", "stone", "point", "labs", "haven",
    ],
];

/// The demo's personas, from the bundled fixtures (so a generated set logs in the same
/// people as the demo), with preferred languages the set does not have cleared.
fn persona_contacts(demo: &FixtureSet, langs: &[Lang]) -> Vec<Contact> {
    let mut contacts = demo.contacts.clone();
    for contact in &mut contacts {
        let generated = contact
            .language
            .as_deref()
            .and_then(Lang::parse)
            .is_some_and(|l| langs.contains(&l));
        if !generated {
            contact.language = None;
        }
    }
    contacts
}

/// A timestamp between 2024-01-01 and mid-2026.
fn timestamp(rng: &mut Rng) -> String {
    const START: i64 = 1_704_067_200;
    const SPAN: u64 = 78_000_000;
    format_timestamp(START + rng.below(SPAN) as i64)
}

/// Builds a fixture set in memory (validated before it is returned).
pub fn generate(options: &Options) -> Result<FixtureSet, GenerateError> {
    let mut rng = Rng(options.seed ^ 0xF2E5_D0C4);
    let langs = &options.languages;
    let primary = langs[0];
    let n = options.articles;

    // Companies and segments: the demo's, then more as the set grows.
    let mut companies = vec![
        Company {
            id: 101,
            name: "Globex".into(),
            segments: Vec::new(),
            ..Company::default()
        },
        Company {
            id: 102,
            name: "Initech".into(),
            segments: Vec::new(),
            ..Company::default()
        },
        Company {
            id: 103,
            name: "Umbrella".into(),
            segments: vec![301],
            ..Company::default()
        },
    ];
    let extra_companies = (n / 2000).min(60) as u64;
    for i in 0..extra_companies {
        let [first, second] = &COMPANY_PARTS;
        let name = format!(
            "{}{} {}",
            first[(i % 8) as usize],
            second[(i / 8 % 8) as usize],
            ["Ltd", "Inc", "GmbH", "SA"][(i % 4) as usize]
        );
        companies.push(Company {
            id: 104 + i,
            name,
            segments: if rng.percent(30) {
                vec![302]
            } else {
                Vec::new()
            },
            ..Company::default()
        });
    }
    let segments = Segments {
        contact_segments: vec![
            Segment {
                id: 201,
                name: "Beta testers".into(),
            },
            Segment {
                id: 202,
                name: "Early adopters".into(),
            },
        ],
        company_segments: vec![
            Segment {
                id: 301,
                name: "Enterprise customers".into(),
            },
            Segment {
                id: 302,
                name: "Partners".into(),
            },
        ],
    };

    // Users: the demo personas, then generated customers.
    let demo = FixtureSet::bundled()?;
    let mut contacts = persona_contacts(&demo, langs);
    for i in 0..(n / 50).min(5000) as u64 {
        let first = rng.pick(&FIRST_NAMES);
        let last = rng.pick(&LAST_NAMES);
        let company = rng
            .percent(70)
            .then(|| companies[rng.below(companies.len() as u64) as usize].id);
        let local: String = format!("{first}.{last}")
            .to_lowercase()
            .chars()
            .map(|c| match c {
                'é' => 'e',
                'í' => 'i',
                'ü' => 'u',
                c => c,
            })
            .collect();
        contacts.push(Contact {
            id: 10_001 + i,
            name: format!("{first} {last}"),
            email: format!("{local}.{}@customers.test", 10_001 + i),
            other_emails: Vec::new(),
            phone: None,
            mobile: None,
            language: (langs.len() > 1 && rng.percent(20))
                .then(|| rng.pick(langs).code().to_owned()),
            external_id: None,
            companies: company.into_iter().collect(),
            segments: if rng.percent(5) {
                vec![202]
            } else {
                Vec::new()
            },
            state: if rng.percent(2) {
                ContactState::Blocked
            } else {
                ContactState::Active
            },
        });
    }
    let mut agents = demo.agents.clone();
    for i in 0..(n / 5000).min(100) as u64 {
        let first = rng.pick(&FIRST_NAMES);
        agents.push(Agent {
            id: 20_001 + i,
            name: format!("{first} Agent {}", i + 1),
            email: format!("agent{}@acme.test", i + 1),
            language: None,
            admin: false,
            manage_tickets: true,
            api_key: None,
            role: None,
        });
    }

    // Categories with one folder of each kind; the last category is linked to no widget.
    let category_count = n.div_ceil(ARTICLES_PER_CATEGORY).max(3);
    let mut solutions: Vec<Category> = (0..category_count)
        .map(|ci| {
            let id = ci as Id + 1;
            let base = CATEGORY_NAMES[ci % CATEGORY_NAMES.len()];
            let name = match ci / CATEGORY_NAMES.len() {
                0 => base.to_owned(),
                k => format!("{base} ({})", k + 1),
            };
            let folders = FOLDERS
                .iter()
                .enumerate()
                .map(|(fi, (folder_name, visibility, _))| {
                    let company = [101, 102, 103][ci % 3];
                    let (companies, contact_segments, company_segments) = match visibility {
                        Visibility::Companies => (vec![company], Vec::new(), Vec::new()),
                        Visibility::ContactSegments => (Vec::new(), vec![201], Vec::new()),
                        Visibility::CompanySegments => (Vec::new(), Vec::new(), vec![301]),
                        _ => (Vec::new(), Vec::new(), Vec::new()),
                    };
                    let name = if *visibility == Visibility::Companies {
                        let company_name = &demo_company_name(company);
                        format!("{company_name} {}", folder_name.to_lowercase())
                    } else {
                        (*folder_name).to_owned()
                    };
                    Folder {
                        id: id * 100 + fi as Id + 1,
                        name,
                        visibility: *visibility,
                        companies,
                        contact_segments,
                        company_segments,
                        description: String::new(),
                        created_at: None,
                        updated_at: None,
                        translations: BTreeMap::new(),
                        articles: Default::default(),
                    }
                })
                .collect();
            Category {
                id,
                name,
                description: String::new(),
                visible_in_portals: Vec::new(),
                created_at: None,
                updated_at: None,
                translations: BTreeMap::new(),
                folders,
            }
        })
        .collect();
    if let Some(last) = solutions.last_mut() {
        last.name = "Partner network".into();
    }

    // Articles, spread over categories and folders by the folders' shares.
    let total_share: u64 = FOLDERS.iter().map(|f| f.2).sum();
    let mut attachment_id = FIRST_ATTACHMENT_ID;
    for i in 0..n {
        let id = FIRST_ARTICLE_ID + i as Id;
        let category = i % category_count;
        let mut roll = rng.below(total_share);
        let folder = FOLDERS
            .iter()
            .position(|f| {
                if roll < f.2 {
                    true
                } else {
                    roll -= f.2;
                    false
                }
            })
            .unwrap_or(0);
        let topic = &TOPICS[rng.below(TOPICS.len() as u64) as usize];
        let plan = ArticlePlan::draw(&mut rng);
        let mut tags = vec![topic.tag.to_owned()];
        tags.extend(
            topic
                .tags
                .iter()
                .filter(|_| rng.percent(60))
                .map(|t| (*t).to_owned()),
        );
        let draft = rng.percent(DRAFT_PERCENT);
        let mut translations = BTreeMap::new();
        for (li, &lang) in langs.iter().enumerate() {
            if li > 0 && (draft || rng.percent(MISSING_TRANSLATION_PERCENT)) {
                continue;
            }
            let v = vocabulary(lang).expect("checked by Options::new");
            let attachments = if rng.percent(ATTACHMENT_PERCENT) {
                attachment_id += 1;
                vec![ArticleAttachment {
                    id: attachment_id - 1,
                    name: format!("{}-{}-{}.pdf", topic.tag, v.attachment, lang.code()),
                    content_type: "application/pdf".into(),
                    size: 20_000 + rng.below(2_000_000),
                }]
            } else {
                Vec::new()
            };
            let up = rng.below(60);
            translations.insert(
                lang.code().to_owned(),
                Translation {
                    title: plan.title(v, topic),
                    description: plan.body(v, topic),
                    modified_at: timestamp(&mut rng),
                    thumbs_up: up,
                    thumbs_down: rng.below(up / 4 + 1),
                    attachments,
                    status: None,
                    created_at: None,
                    seo_data: None,
                },
            );
        }
        std::sync::Arc::make_mut(&mut solutions[category].folders[folder].articles).push(Article {
            id,
            status: if draft {
                ArticleStatus::Draft
            } else {
                ArticleStatus::Published
            },
            tags,
            // Most articles are read a little, a few a lot.
            hits: rng.below(100) * rng.below(100) + rng.below(50),
            article_type: 1,
            agent_id: None,
            translations,
        });
    }

    // Widgets: the linked one with suggestion rules, an inactive one, a login-only form.
    let linked: Vec<Id> = solutions
        .iter()
        .take(category_count - 1)
        .map(|c| c.id)
        .collect();
    let public_articles = |category: usize| -> Vec<Id> {
        solutions
            .get(category)
            .map(|c| c.folders[0].articles.iter().take(3).map(|a| a.id).collect())
            .unwrap_or_default()
    };
    let suggestions: Vec<SuggestionRule> = [("/pricing", 1), ("/account", 0)]
        .into_iter()
        .enumerate()
        .filter_map(|(i, (url, category))| {
            let articles = public_articles(category);
            (!articles.is_empty()).then(|| SuggestionRule {
                position: i as u32 + 1,
                url: url.into(),
                articles,
            })
        })
        .collect();
    let mut help = widget(WIDGET_ID, "Help widget", linked.clone());
    help.settings.components.solution_articles = true;
    help.suggestions = suggestions;
    let mut retired = widget(WIDGET_ID + 1, "Retired widget", linked.clone());
    retired.active = false;
    let mut portal = widget(WIDGET_ID + 2, "Customer portal form", linked);
    portal.settings.components.solution_articles = true;
    portal.settings.contact_form.form_type = 2;
    portal.settings.contact_form.require_login = true;

    // The demo's contact form, labelled in the generated languages (the primary one at
    // least, in English words when the demo has no translation).
    let mut ticket_fields = demo.ticket_fields.clone();
    for field in &mut ticket_fields {
        let english = field.labels.get("en").cloned();
        field
            .labels
            .retain(|code, _| Lang::parse(code).is_some_and(|l| langs.contains(&l)));
        if let Some(english) = english {
            field
                .labels
                .entry(primary.code().to_owned())
                .or_insert(english);
        }
    }

    let set = FixtureSet {
        account: Account {
            id: 1,
            name: "Acme Corp (generated)".into(),
            domain: "acme.freshdesk.com".into(),
            portal_host: Some("support.acme.test".into()),
            widget_secret: demo.account.widget_secret.clone(),
            primary_language: primary.code().into(),
            portal_languages: langs[1..].iter().map(|l| l.code().to_owned()).collect(),
            portal_language: None,
            multilingual: langs.len() > 1,
            features: Features::default(),
            created_at: "2024-01-01T00:00:00Z".into(),
        },
        widgets: vec![help, retired, portal],
        companies,
        segments,
        contacts,
        agents,
        solutions,
        ticket_fields,
    };
    freshmock::fixtures::validate::validate(&set)?;
    Ok(set)
}

fn demo_company_name(id: Id) -> &'static str {
    match id {
        101 => "Globex",
        102 => "Initech",
        _ => "Umbrella",
    }
}

fn widget(id: Id, name: &str, categories: Vec<Id>) -> Widget {
    Widget {
        id,
        name: name.into(),
        product_id: None,
        active: true,
        date_format: 1,
        categories,
        settings: WidgetSettings::default(),
        suggestions: Vec::new(),
        created_at: "2024-01-01T00:00:00Z".into(),
        updated_at: "2024-01-01T00:00:00Z".into(),
    }
}

/// Writes a fixture set as a folder (`account.json`, `widgets.json` ...), creating it if
/// needed and replacing those files if they exist.
pub fn write_dir(set: &FixtureSet, dir: &Path) -> Result<(), GenerateError> {
    std::fs::create_dir_all(dir).map_err(|source| GenerateError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    save(dir, "account", &set.account)?;
    save(dir, "widgets", &set.widgets)?;
    save(dir, "companies", &set.companies)?;
    save(dir, "segments", &set.segments)?;
    save(dir, "contacts", &set.contacts)?;
    save(dir, "agents", &set.agents)?;
    save(dir, "solutions", &set.solutions)?;
    save(dir, "ticket_fields", &set.ticket_fields)
}

/// Writes one file as pretty JSON (2-space indent, as the bundled files are).
fn save<T: Serialize + ?Sized>(dir: &Path, stem: &str, value: &T) -> Result<(), GenerateError> {
    let path = dir.join(format!("{stem}.json"));
    let write = || -> std::io::Result<()> {
        let file = std::fs::File::create(&path)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        serde_json::to_writer_pretty(&mut out, value)?;
        out.write_all(b"\n")?;
        out.flush()
    };
    write().map_err(|source| GenerateError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// A fixture time as Freshdesk writes it (`2026-09-14T08:12:30Z`).
fn format_timestamp(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(&time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
            ))
            .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use freshmock::fixtures::validate::validate;

    fn small(seed: u64) -> FixtureSet {
        generate(&Options::new(120, "en,fr,de", seed).unwrap()).unwrap()
    }

    #[test]
    fn generated_set_is_valid_and_has_the_requested_size() {
        let set = small(7);
        assert!(validate(&set).is_ok());
        assert_eq!(set.articles().count(), 120);
        assert_eq!(set.account.primary_language, "en");
        assert_eq!(set.account.portal_languages, vec!["fr", "de"]);
    }

    #[test]
    fn same_seed_gives_the_same_set_and_another_seed_another() {
        let a = serde_json::to_string(&small(3).to_document()).unwrap();
        let b = serde_json::to_string(&small(3).to_document()).unwrap();
        let c = serde_json::to_string(&small(4).to_document()).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn every_visibility_kind_and_the_demo_personas_are_present() {
        let set = small(1);
        for v in 1..=7u8 {
            let kind = Visibility::try_from(v).unwrap();
            assert!(
                set.solutions
                    .iter()
                    .flat_map(|c| &c.folders)
                    .any(|f| f.visibility == kind && !f.articles.is_empty()),
                "no articles with visibility {v}"
            );
        }
        let alice = set
            .contacts
            .iter()
            .find(|c| c.email == "alice@globex.test")
            .unwrap();
        assert_eq!(alice.companies, vec![101]);
        let widget = set.widgets.iter().find(|w| w.id == WIDGET_ID).unwrap();
        assert!(widget.active);
        assert_eq!(widget.categories.len(), set.solutions.len() - 1);
    }

    #[test]
    fn translations_are_in_each_language_and_say_the_same_thing() {
        let set = small(2);
        let article = set
            .articles()
            .map(|(_, _, a)| a)
            .find(|a| a.tags[0] == "password" && a.translations.len() == 3)
            .expect("a password article in three languages");
        assert!(article.translations["en"].title.contains("password"));
        assert!(article.translations["fr"].title.contains("mot de passe"));
        assert!(article.translations["de"].title.contains("Passwort"));
        assert!(article.translations["en"].description.starts_with("<p>"));
    }

    #[test]
    fn written_folder_loads_like_any_fixture_folder() {
        let dir = std::env::temp_dir().join(format!("freshmock-generate-{}", std::process::id()));
        let set = generate(&Options::new(40, "de,es", 9).unwrap()).unwrap();
        write_dir(&set, &dir).unwrap();
        let loaded = FixtureSet::from_dir(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        let loaded = loaded.unwrap();
        assert_eq!(loaded.articles().count(), 40);
        assert_eq!(loaded.account.primary_language, "de");
        assert!(loaded
            .ticket_fields
            .iter()
            .all(|f| f.labels.contains_key("de")));
    }

    #[test]
    fn unknown_or_missing_languages_are_refused() {
        assert!(matches!(
            Options::new(10, "en,xx", 1),
            Err(GenerateError::Language(code)) if code == "xx"
        ));
        assert!(matches!(
            Options::new(10, "ja-JP", 1),
            Err(GenerateError::Language(_))
        ));
        assert!(Options::new(10, " ", 1).is_err());
    }

    #[test]
    fn an_empty_set_is_still_valid() {
        let set = generate(&Options::new(0, "en", 1).unwrap()).unwrap();
        assert_eq!(set.articles().count(), 0);
        assert!(!set.account.multilingual);
    }
}
