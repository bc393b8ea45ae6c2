//! What generated articles say: the topics, each language's sentence patterns, and the
//! plan that makes every translation of an article say the same thing.

use freshmock::Lang;

use super::rng::Rng;

/// One subject a help centre writes about, in each language (en, fr, de, es order).
pub(super) struct Topic {
    pub(super) tag: &'static str,
    pub(super) tags: &'static [&'static str],
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

pub(super) const TOPICS: [Topic; 30] = [
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
pub(super) struct Vocabulary {
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
    pub(super) attachment: &'static str,
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

pub(super) fn vocabulary(lang: Lang) -> Option<&'static Vocabulary> {
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
pub(super) struct ArticlePlan {
    title: usize,
    qualifier: bool,
    intro: usize,
    steps: Vec<usize>,
    closing: usize,
    tip: Option<usize>,
    seed: u64,
}

impl ArticlePlan {
    pub(super) fn draw(rng: &mut Rng) -> ArticlePlan {
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

    pub(super) fn title(&self, v: &Vocabulary, topic: &Topic) -> String {
        let mut rng = Rng(self.seed);
        fill(v.titles[self.title], v, topic, &mut rng, self.qualifier)
    }

    pub(super) fn body(&self, v: &Vocabulary, topic: &Topic) -> String {
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
