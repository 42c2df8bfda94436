"""Every user-facing text of the identity service, Dutch first."""

TEXTS = {
    # -- API problems ---------------------------------------------------------------------------------
    "accounts.invalid": {"nl": "De gegevens zijn niet geldig.", "en": "The data is not valid."},
    "accounts.email_taken": {
        "nl": "Er bestaat al een account met dit e-mailadres. Gebruik 'Wachtwoord vergeten' als je het niet meer weet.",
        "en": "An account with this e-mail address exists. Use 'Forgot password' if you no longer know it.",
    },
    "accounts.link_invalid": {
        "nl": "Deze link is ongeldig, al gebruikt of verlopen. Vraag een nieuwe aan via 'Wachtwoord vergeten'.",
        "en": "This link is invalid, already used or expired. Ask for a new one with 'Forgot password'.",
    },
    "accounts.own_account": {
        "nl": "Je kan je eigen account niet deactiveren.",
        "en": "You cannot deactivate your own account.",
    },
    "accounts.not_found": {"nl": "Dit account bestaat niet.", "en": "This account does not exist."},
    "accounts.own_role": {
        "nl": "Je kan jezelf de rol moderator niet afnemen.",
        "en": "You cannot take the moderator role from yourself.",
    },
    "accounts.not_invited": {
        "nl": "Dit account heeft zijn wachtwoord al gekozen: er is geen uitnodiging om opnieuw te sturen.",
        "en": "This account has chosen its password already: there is no invitation to send again.",
    },
    "accounts.resend_too_soon": {
        "nl": "De uitnodiging is net of al vaak verstuurd. Probeer het over {seconds} seconden opnieuw.",
        "en": "The invitation was sent just now or many times already. Try again in {seconds} seconds.",
    },
    "clients.not_found": {"nl": "Deze client bestaat niet.", "en": "This client does not exist."},
    "clients.secret_not_found": {
        "nl": "Dit secret bestaat niet of werkt al niet meer.",
        "en": "This secret does not exist or no longer works.",
    },
    "clients.reason_missing": {
        "nl": "Geef een reden: de partner krijgt ze in de mail.",
        "en": "Give a reason: the partner gets it in the mail.",
    },
    "clients.no_profile": {
        "nl": "Maak eerst een partnerprofiel aan of koppel je aan een bestaand profiel.",
        "en": "Create a partner profile first, or link to an existing one.",
    },
    # Both in the manual's words (troubleshooting, section 4), as the apps service shows them.
    "clients.invalid_credentials": {
        "nl": "De ingevoerde client/secret is ongeldig. Heb je geen geldige client/secret, vraag dan een nieuwe aan.",
        "en": "The client/secret entered is invalid. If you have no valid client/secret, request a new one.",
    },
    "clients.already_linked": {
        "nl": "Sorry! Deze client is al gekoppeld aan een andere applicatie. Je kan een client maar aan één app "
        "koppelen.",
        "en": "Sorry! This client is already linked to another application. A client can be linked to one app only.",
    },
    "internal.forbidden": {
        "nl": "Alleen de diensten van het portaal mogen dit aanroepen.",
        "en": "Only the portal's own services may call this.",
    },
    # -- field rules ----------------------------------------------------------------------------------
    "password.too_short": {"nl": "Minstens {min} tekens.", "en": "At least {min} characters."},
    "password.too_long": {"nl": "Hoogstens {max} tekens.", "en": "At most {max} characters."},
    "password.no_upper": {"nl": "Minstens één hoofdletter.", "en": "At least one upper-case letter."},
    "password.no_lower": {"nl": "Minstens één kleine letter.", "en": "At least one lower-case letter."},
    "password.no_digit": {"nl": "Minstens één cijfer.", "en": "At least one digit."},
    "password.no_special": {"nl": "Minstens één speciaal teken.", "en": "At least one special character."},
    "terms.required": {
        "nl": "Aanvaard de gebruiksvoorwaarden en het privacybeleid.",
        "en": "Accept the terms of use and the privacy policy.",
    },
    "reason.required": {"nl": "Vul een reden in.", "en": "Fill in a reason."},
    "role.invalid": {"nl": "Kies een van deze rollen: {roles}.", "en": "Choose one of these roles: {roles}."},
    "institutions.required": {
        "nl": "Een schoolbeheerder beheert minstens één instelling.",
        "en": "A school admin administers at least one institution.",
    },
    "institutions.not_for_role": {
        "nl": "Alleen schoolbeheerders hebben instellingen.",
        "en": "Only school admins have institutions.",
    },
    "role.not_back_office": {
        "nl": "Alleen accounts van moderators en schoolbeheerders worden hier beheerd.",
        "en": "Only moderator and school admin accounts are managed here.",
    },
    "language.invalid": {
        "nl": "Kies een van deze talen: {languages}.",
        "en": "Choose one of these languages: {languages}.",
    },
    "institutions.invalid": {
        "nl": "Instellingsnummer {number} bestaat uit 1 tot 10 cijfers.",
        "en": "Institution number {number} must be 1 to 10 digits.",
    },
    # -- hosted pages ---------------------------------------------------------------------------------
    "page.product": {"nl": "Partnerportaal", "en": "Partner portal"},
    "page.language_switch": {"nl": "English", "en": "Nederlands"},
    "page.login_title": {"nl": "Aanmelden", "en": "Sign in"},
    "page.email": {"nl": "E-mailadres", "en": "E-mail address"},
    "page.password": {"nl": "Wachtwoord", "en": "Password"},
    "page.new_password": {"nl": "Nieuw wachtwoord", "en": "New password"},
    "page.password_rules": {
        "nl": "Minstens 8 tekens, met een hoofdletter, een kleine letter, een cijfer en een speciaal teken.",
        "en": "At least 8 characters, with an upper-case and a lower-case letter, a digit and a special character.",
    },
    "page.login_button": {"nl": "Aanmelden", "en": "Sign in"},
    "page.forgot_link": {"nl": "Wachtwoord vergeten?", "en": "Forgot your password?"},
    "page.login_invalid": {
        "nl": "E-mailadres of wachtwoord is onjuist.",
        "en": "The e-mail address or password is wrong.",
    },
    "page.login_not_activated": {
        "nl": "Je account is nog niet geactiveerd. Klik op de link in de activatiemail, of vraag via "
        "'Wachtwoord vergeten' een nieuwe link aan.",
        "en": "Your account is not activated yet. Click the link in the activation mail, or ask for a new "
        "link with 'Forgot your password?'.",
    },
    "page.login_locked": {
        "nl": "Te veel mislukte pogingen. Probeer opnieuw na {until} (UTC).",
        "en": "Too many failed attempts. Try again after {until} (UTC).",
    },
    "page.login_slowed": {
        "nl": "Te veel mislukte pogingen na elkaar. Wacht {seconds} s en probeer opnieuw.",
        "en": "Too many failed attempts in a row. Wait {seconds} s and try again.",
    },
    "page.session_expired": {
        "nl": "Het formulier was verlopen. Probeer opnieuw.",
        "en": "The form had expired. Please try again.",
    },
    "page.activate_title": {"nl": "Account activeren", "en": "Activate your account"},
    "page.activate_intro": {
        "nl": "Klik op de knop om je partneraccount te activeren.",
        "en": "Click the button to activate your partner account.",
    },
    "page.activate_button": {"nl": "Activeer mijn account", "en": "Activate my account"},
    "page.activated": {
        "nl": "Je account is geactiveerd. Je kan je nu aanmelden.",
        "en": "Your account is activated. You can sign in now.",
    },
    "page.forgot_title": {"nl": "Wachtwoord vergeten", "en": "Forgot your password"},
    "page.forgot_intro": {
        "nl": "Geef je e-mailadres. Als er een account bij hoort, krijg je een mail met een link om een nieuw "
        "wachtwoord te kiezen. Is je account nog niet geactiveerd, dan activeert die link het ook.",
        "en": "Enter your e-mail address. If an account belongs to it, you get a mail with a link to choose a "
        "new password. If your account is not activated yet, that link activates it too.",
    },
    "page.forgot_button": {"nl": "Stuur de link", "en": "Send the link"},
    "page.forgot_sent": {
        "nl": "Als er een account bij dit adres hoort, is de mail onderweg. De link blijft {hours} uur geldig.",
        "en": "If an account belongs to this address, the mail is on its way. The link stays valid for {hours} hours.",
    },
    "page.reset_title": {"nl": "Nieuw wachtwoord kiezen", "en": "Choose a new password"},
    "page.reset_button": {"nl": "Bewaar mijn wachtwoord", "en": "Save my password"},
    "page.reset_done": {
        "nl": "Je wachtwoord is gewijzigd. Je kan je nu aanmelden.",
        "en": "Your password has been changed. You can sign in now.",
    },
    "page.to_portal": {"nl": "Naar het portaal", "en": "To the portal"},
    "page.skip": {"nl": "Naar de inhoud", "en": "Skip to content"},
    "page.footer": {
        "nl": "Partnerportaal · gegevens van scholen delen met toestemming van de school",
        "en": "Partner portal · sharing school data with the school's consent",
    },
    "page.terms": {"nl": "Gebruiksvoorwaarden", "en": "Terms of use"},
    "page.privacy": {"nl": "Privacybeleid", "en": "Privacy policy"},
    "page.contact": {"nl": "Contact en helpdesk", "en": "Contact and helpdesk"},
    "page.no_account": {"nl": "Nog geen account?", "en": "No account yet?"},
    "page.register_link": {"nl": "Registreer als partner", "en": "Register as a partner"},
    "page.activated_title": {"nl": "Account geactiveerd", "en": "Account activated"},
    "page.reset_done_title": {"nl": "Wachtwoord bewaard", "en": "Password saved"},
    "page.logged_out_title": {"nl": "Afgemeld", "en": "Signed out"},
    "page.logged_out": {"nl": "Je bent afgemeld.", "en": "You are signed out."},
    "page.error_title": {"nl": "Er ging iets mis", "en": "Something went wrong"},
    "page.authorize_malformed": {
        "nl": "De aanmeldaanvraag is ongeldig: de parameter {parameter} bevat tekens die daar niet horen.",
        "en": "The sign-in request is invalid: the parameter {parameter} holds characters that do not belong there.",
    },
}
