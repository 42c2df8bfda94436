// The front-office: the public partner directory for visitors, and the partner zone (profile,
// applications, credentials, data access) for partners.
import {
  ApiError, FormError, Session, api, apiPage, badge, blobUrl, checkboxes, copyButton, definition, dialog, empty, errorPanel,
  drawShell, field, form, formatDate, formatDay, go, h, helpdesk, language, listCount, notice, pager, perform, startApp, t,
  table, tabs,
} from "/assets/core.js";
import {
  API_NAMES, CATEGORIES, DELIVERY_STATUSES, WEBHOOK_EVENTS, apiLabel, categoryLabel, changeDiff, person,
  requestStateBadge, searchForm, statusBadges, statusHistory,
} from "/assets/common.js";

const session = new Session("portal-front-office", "/");
const categoryLabels = (keys) => keys.map(categoryLabel).join(", ");
const LOGO_MAX_BYTES = 1024 * 1024;

// ------------------------------------------------------------------------------------------ visitors
async function landing(query) {
  const page = Number(query.page || 1);
  const search = searchForm("#/", [
    field({ label: t("directory.search"), name: "q", type: "search", value: query.q || "" }),
    field({ label: t("directory.category"), name: "category", value: query.category || "",
      options: [["", t("directory.all_categories")], ...CATEGORIES.map((key) => [key, categoryLabel(key)])] }),
  ]);
  const { items, pagination } = await apiPage("/api/v1/public/partners", {
    q: query.q, category: query.category, page, page_size: 12,
  });
  const cards = items.length
    ? h("ul", { class: "cards" }, items.map((partner) => h("li", { class: "card" },
      h("img", { src: partner.logo_url, alt: "", class: "logo", loading: "lazy" }),
      h("h3", {}, h("a", { href: `#/partners/${partner.id}` }, partner.name)),
      partner.categories.map((key) => h("span", { class: "tag" }, categoryLabel(key))),
      h("p", {}, partner.description))))
    : empty(query.q || query.category ? t("directory.none_found") : t("directory.empty"));
  return h("section", {},
    h("div", { class: "hero" },
      h("h1", {}, t("landing.title")),
      h("p", { class: "lead" }, t("landing.lead")),
      h("p", {}, t("landing.pitch")),
      session.tokens ? null : h("a", { class: "button primary", href: "#/register" }, t("landing.become_partner"))),
    h("h2", {}, t("directory.title")),
    search,
    h("div", { "data-result-count": pagination?.total ?? items.length }, cards,
      pager(pagination, (next) => go(`#/?${new URLSearchParams({ ...query, page: next })}`))));
}

async function partnerPage(partnerId) {
  const partner = await api("GET", `/api/v1/public/partners/${encodeURIComponent(partnerId)}`);
  return h("article", { class: "partner" },
    h("p", {}, h("a", { href: "#/" }, t("action.back_to_directory"))),
    h("img", { src: partner.logo_url, alt: t("partner.logo_of", { name: partner.name }), class: "logo large" }),
    h("h1", {}, partner.name),
    h("h2", {}, t("partner.about", { name: partner.name })),
    h("p", { class: "pre" }, partner.description),
    definition([
      [t("profile.categories"), categoryLabels(partner.categories)],
      [t("profile.extra_info"), partner.extra_info ? h("span", { class: "pre" }, partner.extra_info) : null],
      [t("profile.website"), h("a", { href: partner.website, rel: "noopener noreferrer" }, partner.website)],
    ]));
}

function registration() {
  const done = h("div", { "aria-live": "polite" });
  const registerForm = form({
    label: t("register.title"),
    submit: t("register.submit"),
    children: [
      h("p", { class: "hint" }, t("register.use_email")),
      field({ label: t("account.email"), name: "email", type: "email", required: true, autocomplete: "email" }),
      field({ label: t("account.password"), name: "password", type: "password", required: true,
        autocomplete: "new-password", hint: t("register.password_rule") }),
      field({ label: t("account.password_repeat"), name: "password_repeat", type: "password", required: true,
        autocomplete: "new-password" }),
      field({ label: t("register.accept_terms"), name: "accept_terms", type: "checkbox" }),
      h("p", { class: "hint" }, t("register.read_first"), " ", h("a", { href: "#/terms" }, t("footer.terms")), ", ",
        h("a", { href: "#/privacy" }, t("footer.privacy")), "."),
    ],
    onSubmit: async (values) => {
      if (values.password !== values.password_repeat) {
        throw new FormError(t("register.invalid"),
          [{ field: "password_repeat", detail: t("register.passwords_differ") }]);
      }
      const { password_repeat: _, ...account } = values;
      await api("POST", "/api/v1/accounts", { body: { ...account, language } });
      registerForm.replaceWith(h("div", { class: "notice ok", role: "status" },
        h("p", {}, t("register.sent", { email: values.email })), h("p", {}, t("register.no_mail"))));
      done.focus?.();
    },
  });
  return h("section", { class: "narrow" },
    h("h1", {}, t("register.title")), registerForm, done,
    h("p", {}, t("register.have_account"), " ",
      h("button", { type: "button", class: "link", onclick: () => session.signIn("#/profile") }, t("action.sign_in"))),
    h("p", {}, h("a", { href: "/login/forgot" }, t("register.forgot"))));
}

// ---------------------------------------------------------------------------------------- the profile
async function currentProfile() {
  try {
    return await api("GET", "/api/v1/partner/profile");
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

async function profilePage() {
  const profile = await currentProfile();
  if (!profile) return welcome();
  const [users, invitations, audit] = await Promise.all([
    api("GET", "/api/v1/partner/profile/users"),
    api("GET", "/api/v1/partner/profile/invitations"),
    apiPage("/api/v1/partner/profile/audit", { page_size: 20 }),
  ]);
  const emailOf = Object.fromEntries(users.map((user) => [user.account_id, user.email]));
  const address = profile.address || {};
  return h("section", {},
    h("div", { class: "title-row" }, h("h1", {}, t("profile.title")),
      h("a", { class: "button", href: "#/profile/edit" }, t("action.edit"))),
    h("div", { class: "profile-head" },
      h("img", { src: await blobUrl(profile.logo_url), alt: t("partner.logo_of", { name: profile.name }), class: "logo large" }),
      h("div", {}, h("h2", {}, profile.name),
        h("p", {}, profile.public ? t("profile.is_public") : t("profile.is_private"),
          profile.active ? "" : ` · ${t("profile.deactivated")}`))),
    definition([
      [t("profile.enterprise_number"), profile.enterprise_number],
      [t("profile.description"), h("span", { class: "pre" }, profile.description)],
      [t("profile.email"), profile.email],
      [t("profile.contact_person"), profile.contact_person],
      [t("profile.address"), [`${address.street} ${address.number}`, `${address.postal_code} ${address.city}`,
        address.country].join(", ")],
      [t("profile.categories"), categoryLabels(profile.categories)],
      [t("profile.website"), profile.website],
      [t("profile.extra_info"), profile.extra_info ? h("span", { class: "pre" }, profile.extra_info) : null],
    ]),
    h("h2", {}, t("users.title")),
    h("p", {}, t("users.intro")),
    table([
      [t("account.email"), (user) => user.email],
      [t("users.linked_at"), (user) => formatDate(user.linked_at)],
    ], users),
    h("button", { type: "button", onclick: invite }, t("users.invite")),
    h("h2", {}, t("invitations.title")),
    h("p", {}, t("invitations.intro")),
    invitations.length
      ? table([
        [t("invitations.code"), (invitation) => codeLabel(invitation)],
        [t("invitations.made_by"), (invitation) => invitation.created_by_email || invitation.created_by],
        [t("invitations.expires_at"), (invitation) => formatDate(invitation.expires_at)],
        ["", (invitation) => h("button", { type: "button", class: "danger", onclick: () => withdraw(invitation),
          "aria-label": t("invitations.withdraw_code", { code: codeLabel(invitation) }) }, t("invitations.withdraw"))],
      ], invitations)
      : empty(t("invitations.empty")),
    h("h2", {}, t("audit.title")),
    audit.items.length
      ? table([
        [t("audit.when"), (entry) => formatDate(entry.changed_at)],
        [t("audit.who"), (entry) => entry.email || emailOf[entry.account_id] || person(entry.account_id)],
        [t("audit.field"), (entry) => t(`profile.${entry.field}`)],
        [t("audit.old"), (entry) => auditValue(entry.field, entry.old_value)],
        [t("audit.new"), (entry) => auditValue(entry.field, entry.new_value)],
      ], audit.items)
      : empty(t("audit.empty")));
}

/** A logged value as the partner reads it: yes or no, a category's label, not the stored text. */
function auditValue(field, value) {
  if (value === null || value === undefined) return "—";
  if (field === "public" || field === "active") {
    return { True: t("answer.yes"), False: t("answer.no") }[value] ?? value;
  }
  if (field === "category") return categoryLabel(value);
  if (field === "categories") return categoryLabels(value.split(", "));
  if (field === "logo") return t("audit.image");
  return value;
}

async function invite() {
  const invitation = await api("POST", "/api/v1/partner/profile/invitations").catch((error) => {
    notice(error.message, "error");
  });
  if (!invitation) return;
  await dialog({
    title: t("users.invite_title"),
    body: h("div", {},
      h("p", {}, t("users.invite_intro")),
      h("p", { class: "code-row" }, h("code", { class: "secret" }, invitation.code), copyButton(invitation.code)),
      h("p", { class: "hint" }, t("users.invite_valid_until", { when: formatDate(invitation.expires_at) }))),
    buttons: [{ label: t("action.close"), value: "close", primary: true }],
  });
  go("#/profile"); // the new code joins the list of open codes
}

const codeLabel = (invitation) => (invitation.hint ? `…${invitation.hint}` : "—");

async function withdraw(invitation) {
  const answer = await dialog({
    title: t("invitations.withdraw_title", { code: codeLabel(invitation) }),
    body: h("p", {}, t("invitations.withdraw_warning", {
      who: invitation.created_by_email || invitation.created_by, when: formatDate(invitation.expires_at) })),
    buttons: [{ label: t("action.cancel"), value: "" },
      { label: t("invitations.withdraw"), value: "withdraw", danger: true }],
  });
  if (answer !== "withdraw") return;
  await perform(() => api("DELETE", `/api/v1/partner/profile/invitations/${encodeURIComponent(invitation.id)}`),
    t("invitations.withdrawn"), "#/profile");
}

function welcome() {
  return h("section", {},
    h("h1", {}, t("welcome.title")),
    h("p", {}, t("welcome.not_linked")),
    h("p", {}, t("welcome.choose")),
    h("div", { class: "choices" },
      h("a", { class: "choice", href: "#/profile/new" }, h("strong", {}, t("welcome.new_profile")),
        h("span", {}, t("welcome.new_profile_hint"))),
      h("a", { class: "choice", href: "#/profile/link" }, h("strong", {}, t("welcome.link_profile")),
        h("span", {}, t("welcome.link_profile_hint")))),
    h("p", { class: "hint" }, t("welcome.one_profile")));
}

function linkProfile() {
  return h("section", { class: "narrow" },
    h("h1", {}, t("link_profile.title")),
    h("p", {}, t("link_profile.intro")),
    form({
      label: t("link_profile.title"),
      submit: t("link_profile.submit"),
      children: [field({ label: t("link_profile.code"), name: "code", required: true, autocomplete: "off" })],
      actions: [h("a", { class: "button", href: "#/profile" }, t("action.cancel"))],
      onSubmit: async (values) => {
        await api("POST", "/api/v1/partner/profile/link", { body: { code: values.code.trim() } });
        await session.renewUntil((claims) => claims.partner_id);
        notice(t("link_profile.done"));
        go("#/profile");
      },
    }));
}

function logoField(current) {
  const preview = h("img", { class: "logo large", alt: t("profile.logo_preview"), src: current || "", hidden: !current });
  const value = h("input", { type: "hidden", name: "logo", value: "" });
  const input = h("input", { type: "file", id: "logo-file", accept: "image/png,image/jpeg,image/gif,image/webp",
    "aria-describedby": "logo-hint" });
  const holder = h("div", { class: "field", "data-field": "logo" },
    h("label", { for: "logo-file", class: current ? null : "required" }, t("profile.logo")),
    h("p", { class: "hint", id: "logo-hint" }, t("profile.logo_hint")), input, value, preview);
  input.addEventListener("change", () => {
    const file = input.files[0];
    holder.querySelector(".field-error")?.remove();
    delete holder.dataset.problem;
    if (!file) return;
    if (file.size > LOGO_MAX_BYTES) {
      // Kept on the field, so saving says this again rather than that a logo is missing.
      input.value = "";
      holder.dataset.problem = t("profile.logo_too_large");
      holder.append(h("p", { class: "field-error", role: "alert" }, t("profile.logo_too_large")));
      return;
    }
    const reader = new FileReader();
    reader.addEventListener("load", () => {
      value.value = reader.result;
      preview.src = reader.result;
      preview.hidden = false;
    });
    reader.readAsDataURL(file);
  });
  return holder;
}

const BELGIUM = ["belgië", "belgie", "belgium", "belgique", "belgien", "be", "bel"];

/** The partners service's rule, checked before sending: in Belgium four digits from 1000 to 9999 (an empty one is
 * the service's "required"). */
function belgianPostalCode(value, formElement) {
  const country = formElement.elements["address.country"]?.value.trim().toLowerCase() || "";
  const code = value.trim();
  return code && BELGIUM.includes(country) && !/^[1-9]\d{3}$/.test(code) ? t("address.postal_code_belgian") : null;
}

async function profileForm(existing) {
  const profile = existing === "new" ? null : await currentProfile();
  if (existing !== "new" && !profile) return welcome();
  const address = profile?.address || {};
  const email = profile ? profile.email : session.account?.email;
  return h("section", {},
    h("h1", {}, profile ? t("profile.edit_title") : t("profile.new_title")),
    form({
      label: profile ? t("profile.edit_title") : t("profile.new_title"),
      submit: t("action.save"),
      actions: [h("a", { class: "button", href: "#/profile" }, t("action.cancel"))],
      children: [
        h("h2", {}, t("profile.general")),
        field({ label: t("profile.name"), name: "name", value: profile?.name, required: true, maxlength: 200 }),
        field({ label: t("profile.enterprise_number"), name: "enterprise_number", value: profile?.enterprise_number,
          hint: t("profile.enterprise_number_hint"), inputmode: "numeric" }),
        field({ label: t("profile.description"), name: "description", value: profile?.description, rows: 5,
          required: true, maxlength: 2000, hint: t("profile.description_hint") }),
        h("h2", {}, t("profile.contact")),
        field({ label: t("profile.email"), name: "email_shown", value: email, readonly: true, disabled: true,
          hint: t("profile.email_hint") }),
        field({ label: t("profile.contact_person"), name: "contact_person", value: profile?.contact_person,
          required: true, maxlength: 200 }),
        h("fieldset", {}, h("legend", {}, t("profile.address")),
          h("div", { class: "grid" },
            field({ label: t("address.street"), name: "address.street", value: address.street, required: true,
              autocomplete: "address-line1" }),
            field({ label: t("address.number"), name: "address.number", value: address.number, required: true }),
            field({ label: t("address.postal_code"), name: "address.postal_code", value: address.postal_code,
              required: true, autocomplete: "postal-code", inputmode: "numeric", check: belgianPostalCode }),
            field({ label: t("address.city"), name: "address.city", value: address.city, required: true,
              autocomplete: "address-level2" }),
            field({ label: t("address.country"), name: "address.country", value: address.country || "België",
              required: true, autocomplete: "country-name" }))),
        h("h2", {}, t("profile.public_page")),
        field({ label: t("profile.public"), name: "public", type: "checkbox", value: profile ? profile.public : true,
          hint: t("profile.public_hint") }),
        checkboxes({ legend: t("profile.categories"), name: "categories", hint: t("profile.categories_hint"),
          choices: CATEGORIES.map((key) => [key, categoryLabel(key)]), checked: profile?.categories || [] }),
        field({ label: t("profile.website"), name: "website", type: "url", value: profile?.website, required: true,
          placeholder: "https://" }),
        logoField(profile ? await blobUrl(profile.logo_url) : null),
        field({ label: t("profile.extra_info"), name: "extra_info", value: profile?.extra_info, rows: 4,
          hint: t("profile.extra_info_hint") }),
      ],
      onSubmit: async (values) => {
        const { email_shown: _, ...fields } = values;
        if (!fields.logo) delete fields.logo;
        if (!fields.enterprise_number) fields.enterprise_number = null;
        if (!fields.extra_info) fields.extra_info = null;
        await api(profile ? "PATCH" : "POST", "/api/v1/partner/profile", { body: fields });
        if (!profile) await session.renewUntil((claims) => claims.partner_id);
        notice(t("profile.saved"));
        go("#/profile");
      },
    }));
}

// ----------------------------------------------------------------------------------------- applications
async function applicationsPage(query) {
  const profile = await currentProfile();
  if (!profile) return welcome();
  const { items, pagination } = await apiPage("/api/v1/partner/applications", { page: query.page || 1 });
  return h("section", {},
    h("div", { class: "title-row" }, h("h1", {}, t("apps.title")),
      h("button", { type: "button", class: "primary", onclick: chooseKind }, t("apps.add"))),
    items.length
      ? table([
        [t("apps.name"), (app) => h("a", { href: `#/apps/${app.id}` }, app.name), (app) => app.name],
        [t("apps.status"), statusBadges, (app) => t(`status.${app.status}`)],
        [t("apps.client_id"), (app) => (app.client_id ? h("code", {}, app.client_id) : "—")],
        [t("apps.apis"), (app) => app.apis.map(apiLabel).join(", ")],
        [t("apps.created_at"), (app) => formatDate(app.created_at, false), (app) => app.created_at],
      ], items)
      : empty(t("apps.empty")),
    pager(pagination, (next) => go(`#/apps?page=${next}`)));
}

async function chooseKind() {
  const body = h("div", {}, h("p", {}, t("apps.add_question")),
      h("div", { class: "choices" },
        h("label", { class: "choice" }, h("input", { type: "radio", name: "kind", value: "link" }),
          h("strong", {}, t("apps.kind_link")), h("span", {}, t("apps.kind_link_hint"))),
        h("label", { class: "choice" }, h("input", { type: "radio", name: "kind", value: "new", checked: true }),
          h("strong", {}, t("apps.kind_new")), h("span", {}, t("apps.kind_new_hint")))));
  const choice = await dialog({
    title: t("apps.add_title"),
    body,
    buttons: [{ label: t("action.cancel"), value: "" }, { label: t("action.continue"), value: "go", primary: true }],
  });
  const picked = body.querySelector("input[name=kind]:checked")?.value;
  if (choice === "go") go(picked === "link" ? "#/apps/link" : "#/apps/new");
}

function applicationFields(app) {
  return [
    field({ label: t("apps.name"), name: "name", value: app?.name, required: true, maxlength: 200 }),
    field({ label: t("apps.description"), name: "description", value: app?.description, rows: 4, required: true,
      maxlength: 2000 }),
    field({ label: t("apps.technical_contact"), name: "technical_contact", value: app?.technical_contact,
      required: true, maxlength: 200 }),
    field({ label: t("apps.contact_email"), name: "contact_email", type: "email", value: app?.contact_email,
      required: true, hint: t("apps.contact_email_hint") }),
  ];
}

const apiChoices = (checked) => checkboxes({
  legend: t("apps.api_access"), name: "apis", checked, hint: t("apps.api_access_hint"),
  choices: API_NAMES.map((name) => [name, apiLabel(name)]),
});

function newApplication() {
  return h("section", {},
    h("h1", {}, t("apps.new_title")),
    h("p", {}, t("apps.new_intro")),
    form({
      label: t("apps.new_title"),
      submit: t("action.save"),
      actions: [h("a", { class: "button", href: "#/apps" }, t("action.cancel"))],
      children: [...applicationFields(null), apiChoices([])],
      onSubmit: async (values) => {
        const app = await api("POST", "/api/v1/partner/applications", { body: values });
        notice(t("apps.requested"));
        go(`#/apps/${app.id}`);
      },
    }));
}

/**
 * Manual 3.3.2 in its two steps: the client ID and secret are checked first; only a valid, free client leads
 * to the application's properties. The secret stays in this page's memory between the steps.
 */
function linkApplication() {
  const step = h("div", {});
  const cancel = () => h("a", { class: "button", href: "#/apps" }, t("action.cancel"));
  const showStep = (heading, ...content) => {
    const title = h("h2", { tabindex: "-1" }, heading);
    step.replaceChildren(title, ...content);
    title.focus();
  };
  const credentialsStep = (values = {}) => form({
    label: t("link.step_credentials"),
    submit: t("action.continue"),
    actions: [cancel()],
    children: [
      field({ label: t("link.client_id"), name: "client_id", required: true, autocomplete: "off",
        placeholder: t("link.client_id_example"), value: values.client_id }),
      field({ label: t("link.client_secret"), name: "client_secret", type: "password", required: true,
        autocomplete: "off" }),
    ],
    onSubmit: async (credentials) => {
      const checked = await api("POST", "/api/v1/partner/applications/link/check", { body: credentials });
      showStep(t("link.step_properties"), propertiesStep(credentials, checked));
    },
  });
  const propertiesStep = (credentials, checked) => h("div", {},
    h("p", { class: "notice ok" }, t("link.checked")),
    definition([
      [t("link.client_id"), h("code", {}, checked.client_id)],
      [t("link.apis_kept"), checked.apis.length ? checked.apis.map(apiLabel).join(", ") : t("link.no_apis")],
    ]),
    form({
      label: t("link.step_properties"),
      submit: t("action.save"),
      actions: [h("button", { type: "button", onclick: () => showStep(t("link.step_credentials"),
        credentialsStep(credentials)) }, t("link.other_client")), cancel()],
      children: applicationFields(null),
      onSubmit: async (values) => {
        const app = await api("POST", "/api/v1/partner/applications/link", { body: { ...values, ...credentials } });
        notice(t("link.done"));
        go(`#/apps/${app.id}`);
      },
    }));
  step.append(h("h2", { tabindex: "-1" }, t("link.step_credentials")), credentialsStep());
  return h("section", {},
    h("h1", {}, t("link.title")),
    h("p", {}, t("link.intro")),
    h("p", { class: "hint" }, t("link.lost"), " ", h("a", { href: "#/contact" }, t("link.contact_helpdesk")), ". ",
      t("link.no_client"), " ", h("a", { href: "#/apps/new" }, t("link.new_instead"))),
    step);
}

async function applicationPage(applicationId, tab = "properties") {
  const app = await api("GET", `/api/v1/partner/applications/${encodeURIComponent(applicationId)}`);
  const base = `#/apps/${app.id}`;
  const panels = { properties: propertiesTab, access: accessTab, credentials: credentialsTab, webhooks: webhooksTab };
  return h("section", {},
    h("p", {}, h("a", { href: "#/apps" }, t("apps.back"))),
    h("div", { class: "title-row" }, h("h1", {}, app.name), badge(app.status)),
    tabs([
      ["properties", t("apps.tab_properties"), base],
      ["access", t("apps.tab_access"), `${base}/access`],
      ["credentials", t("apps.tab_credentials"), `${base}/credentials`],
      ["webhooks", t("apps.tab_webhooks"), `${base}/webhooks`],
    ], tab),
    h("div", { class: "panel" }, await (panels[tab] || propertiesTab)(app)));
}

async function propertiesTab(app) {
  const history = await api("GET", `/api/v1/partner/applications/${app.id}/history`);
  const archivable = app.status !== "archived";
  return h("div", {},
    definition([
      [t("apps.description"), h("span", { class: "pre" }, app.description)],
      [t("apps.technical_contact"), app.technical_contact],
      [t("apps.contact_email"), app.contact_email],
      [t("apps.api_access"), app.apis.map(apiLabel).join(", ")],
      [t("apps.status"), badge(app.status)],
      [t("apps.client_id"), app.client_id ? h("code", {}, app.client_id) : t("apps.no_client")],
    ]),
    app.pending_change ? h("section", { class: "notice pending-change", "aria-labelledby": "pending-change" },
      h("h2", { id: "pending-change" }, t("change.pending_title")),
      h("p", {}, t("change.pending_intro")),
      changeDiff(app.pending_change, app.name)) : null,
    h("div", { class: "actions" },
      app.status === "archived" ? null : h("a", { class: "button", href: `#/apps/${app.id}/edit` }, t("action.edit")),
      archivable ? h("button", { type: "button", class: "danger", onclick: () => archive(app) }, t("apps.archive")) : null),
    h("h2", {}, t("history.title")),
    statusHistory(history));
}

async function archive(app) {
  const answer = await dialog({
    title: t("apps.archive_title", { name: app.name }),
    body: h("p", {}, t("apps.archive_warning")),
    buttons: [{ label: t("action.cancel"), value: "" }, { label: t("apps.archive"), value: "archive", danger: true }],
  });
  if (answer !== "archive") return;
  await perform(() => api("POST", `/api/v1/partner/applications/${app.id}/archive`), t("apps.archived"),
    `#/apps/${app.id}`);
}

async function editApplication(applicationId) {
  const app = await api("GET", `/api/v1/partner/applications/${encodeURIComponent(applicationId)}`);
  // The form shows what the partner asked for, so saving another field keeps a pending change as it is.
  const pending = app.pending_change;
  const wanted = { ...app, name: pending?.name || app.name, apis: [...app.apis, ...(pending?.apis_added || [])] };
  return h("section", {},
    h("h1", {}, t("apps.edit_title", { name: app.name })),
    app.status === "rejected" ? h("p", { class: "notice" }, t("apps.edit_rejected")) : null,
    app.status === "approved" ? h("p", { class: "notice" }, t("change.edit_hint")) : null,
    form({
      label: t("apps.edit_title", { name: app.name }),
      submit: t("action.save"),
      actions: [h("a", { class: "button", href: `#/apps/${app.id}` }, t("action.cancel"))],
      children: [...applicationFields(wanted), apiChoices(wanted.apis)],
      onSubmit: async (values) => {
        const removed = app.apis.filter((name) => !values.apis.includes(name));
        if (removed.length && app.client_id) {
          const answer = await dialog({
            title: t("apps.remove_title"),
            body: h("p", {}, t("apps.remove_warning", { apis: removed.map(apiLabel).join(", ") })),
            buttons: [{ label: t("action.cancel"), value: "" },
              { label: t("apps.remove_confirm"), value: "remove", danger: true }],
          });
          if (answer !== "remove") return;
          values.confirm_removal = true;
        }
        const saved = await api("PATCH", `/api/v1/partner/applications/${app.id}`, { body: values });
        notice(saved.pending_change ? t("change.saved_pending") : t("apps.saved"));
        go(`#/apps/${app.id}`);
      },
    }));
}

async function accessTab(app) {
  if (!app.client_id) return empty(t("access.no_client"));
  const [schools, requests] = await Promise.all([
    api("GET", "/api/v1/partner/access-requests/grants", { query: { application_id: app.id } }),
    api("GET", "/api/v1/partner/access-requests", { query: { application_id: app.id } }),
  ]);
  return h("div", {},
    h("h2", {}, t("access.granted")),
    schools.length
      ? table([
        [t("access.school"), (school) => school.name || school.institution_number],
        [t("access.institution"), (school) => school.institution_number],
        [t("access.apis"), (school) => school.grants.map(apiLabel).join(", ")],
        [t("access.ends_on"), (school) => formatDay(school.ends_on), (school) => school.ends_on],
      ], schools)
      : empty(t("access.none")),
    app.status === "approved"
      ? h("button", { type: "button", class: "primary", onclick: () => requestAccess(app) }, t("access.request"))
      : h("p", { class: "hint" }, t("access.only_approved")),
    h("h2", {}, t("access.requests")),
    requests.length
      ? table([
        [t("access.to"), (request) => request.email],
        [t("access.sent_at"), (request) => formatDate(request.created_at)],
        [t("access.state"), (request) => requestStateBadge(request.state)],
        [t("access.reminded_at"), (request) => formatDate(request.reminded_at) || "—"],
        [t("access.answered_at"), (request) => formatDate(request.answered_at) || "—"],
        [t("access.decline_reason"), (request) => request.decline_reason || "—"],
        [t("access.valid_until"), (request) => (request.expired_at
          ? t("access.expired_on", { when: formatDate(request.expired_at, false) })
          : formatDate(request.expires_at, false))],
        [t("access.again"), (request) => (["expired", "declined"].includes(request.state) && app.status === "approved"
          ? h("button", { type: "button", onclick: () => sendAgain(app, request) }, t("access.send_again"))
          : "—")],
      ], requests)
      : empty(t("access.no_requests")));
}

/** An expired or declined request sent again: a new request (a new month) to the same address. */
async function sendAgain(app, request) {
  await perform(() => api("POST", "/api/v1/partner/access-requests",
    { body: { application_id: app.id, emails: request.email } }),
  t("access.sent_again", { email: request.email }), `#/apps/${app.id}/access`);
}

async function requestAccess(app) {
  let sent = false;
  const limits = await api("GET", "/api/v1/partner/access-requests/limits", { query: { application_id: app.id } });
  const limitsText = t("access.limits", { addresses: limits.addresses_per_request,
    per_application: limits.per_application_per_day, per_partner: limits.per_partner_per_day,
    left: Math.min(limits.left_for_application, limits.left_for_partner) });
  const requestForm = form({
    label: t("access.request_title"),
    submit: t("access.send"),
    children: [
      h("p", {}, t("access.request_intro")),
      field({ label: t("access.emails"), name: "emails", required: true,
        hint: `${t("access.emails_hint")} ${limitsText}`, maxlength: 4000,
        placeholder: "beheerder@school.be; directie@school.be" }),
    ],
    onSubmit: async (values) => {
      await api("POST", "/api/v1/partner/access-requests", { body: { application_id: app.id, emails: values.emails } });
      sent = true;
      requestForm.closest("dialog").close("sent");
    },
  });
  await dialog({ title: t("access.request_title"), body: requestForm,
    buttons: [{ label: t("action.cancel"), value: "" }] });
  if (sent) {
    notice(t("access.sent"));
    go(`#/apps/${app.id}/access`);
  }
}

async function credentialsTab(app) {
  if (!app.client_id) return empty(app.status === "new" ? t("credentials.pending") : t("access.no_client"));
  const client = await api("GET", `/api/v1/partner/clients/${encodeURIComponent(app.client_id)}`);
  const holder = h("div", { "aria-live": "polite" });
  return h("div", {},
    definition([
      [t("apps.client_id"), h("span", { class: "code-row" }, h("code", {}, client.client_id), copyButton(client.client_id))],
      [t("credentials.active"), client.active ? t("answer.yes") : t("answer.no")],
    ]),
    h("h2", {}, t("credentials.secrets")),
    client.secrets.length
      ? table([
        [t("credentials.created_at"), (secret) => formatDate(secret.created_at)],
        [t("credentials.created_by"), (secret) => secret.created_by_email
          || (secret.created_by ? h("code", {}, secret.created_by) : t("credentials.by_import"))],
        [t("credentials.last4"), (secret) => (secret.last4 ? h("code", {}, `…${secret.last4}`) : t("credentials.last4_unknown"))],
        [t("credentials.expires_at"), (secret) => (secret.expires_at ? formatDate(secret.expires_at) : t("credentials.no_expiry"))],
        [t("credentials.actions"), (secret) => h("button", { type: "button", class: "danger",
          "aria-label": t("credentials.revoke_label", { secret: secretName(secret) }),
          onclick: () => revokeSecret(app, client, secret) }, t("credentials.revoke"))],
      ], client.secrets)
      : empty(t("credentials.no_secret")),
    h("p", { class: "hint" }, t("credentials.not_stored")),
    client.active
      ? h("button", { type: "button", class: "primary", onclick: () => newSecret(app, client, holder) },
        client.secrets.length ? t("credentials.rotate") : t("credentials.generate"))
      : null,
    holder);
}

const secretName = (secret) => (secret.last4 ? `…${secret.last4}` : formatDate(secret.created_at));

async function revokeSecret(app, client, secret) {
  const answer = await dialog({
    title: t("credentials.revoke_title", { secret: secretName(secret) }),
    body: h("p", {}, t("credentials.revoke_warning")),
    buttons: [{ label: t("action.cancel"), value: "" }, { label: t("credentials.revoke"), value: "go", danger: true }],
  });
  if (answer !== "go") return;
  await perform(
    () => api("DELETE", `/api/v1/partner/clients/${encodeURIComponent(client.client_id)}/secrets/${secret.id}`),
    t("credentials.revoked", { secret: secretName(secret) }), `#/apps/${app.id}/credentials`);
}

async function newSecret(app, client, holder) {
  if (client.secrets.length) {
    const answer = await dialog({
      title: t("credentials.rotate"),
      body: h("p", {}, t("credentials.rotate_warning")),
      buttons: [{ label: t("action.cancel"), value: "" }, { label: t("credentials.rotate"), value: "go", primary: true }],
    });
    if (answer !== "go") return;
  }
  let secret;
  try {
    secret = await api("POST", `/api/v1/partner/clients/${encodeURIComponent(client.client_id)}/secret`);
  } catch (error) {
    holder.replaceChildren(errorPanel(error));
    return;
  }
  await revealOnce({ title: t("credentials.new_title"), warning: t("credentials.shown_once"),
    stored: t("credentials.stored_it"), secret: secret.client_secret,
    extra: secret.previous_secret_expires_at
      ? h("p", {}, t("credentials.previous_until", { when: formatDate(secret.previous_secret_expires_at) })) : null });
  secret = null; // gone from this page: only the partner holds it now
  go(`#/apps/${app.id}/credentials`);
}

/**
 * A secret shown once. Closing (the button or Escape) first asks whether it was copied: after this, nobody
 * can show it.
 */
async function revealOnce({ title, warning, stored, secret, extra = null }) {
  const body = h("div", {},
    h("p", { class: "notice warning" }, warning),
    h("p", { class: "code-row" }, h("code", { class: "secret", "data-secret": "" }, secret), copyButton(secret)),
    extra);
  for (let closing = false; !closing;) {
    await dialog({ title, body, buttons: [{ label: stored, value: "done", primary: true }] });
    closing = await dialog({
      title: t("credentials.copied_title"),
      body: h("p", {}, t("credentials.copied_question")),
      buttons: [{ label: t("credentials.show_again"), value: "" },
        { label: t("credentials.copied_close"), value: "close", danger: true }],
    }) === "close";
  }
}

// ------------------------------------------------------------------------------------------- webhooks
const hooksApi = "/api/v1/webhooks";
const endpointPath = (endpoint) => `${hooksApi}/endpoints/${encodeURIComponent(endpoint.id)}`;
const eventLabel = (name) => t(`webhook_event.${name}`);
const endpointBadge = (endpoint) => h("span", { class: `badge badge-${endpoint.enabled ? "enabled" : "disabled"}` },
  endpoint.enabled ? t("webhooks.enabled") : t("webhooks.disabled"));
const deliveryBadge = (status) => h("span", { class: `badge badge-${status}` }, t(`delivery.${status}`));

async function webhooksTab(app) {
  const endpoints = await api("GET", `${hooksApi}/applications/${encodeURIComponent(app.id)}/endpoints`);
  return h("div", {},
    h("p", {}, t("webhooks.intro"), " ", h("a", { href: "#/docs" }, t("webhooks.guide")), "."),
    h("div", { class: "title-row" }, h("h2", {}, t("webhooks.endpoints")),
      h("a", { class: "button primary", href: `#/apps/${app.id}/webhooks/new` }, t("webhooks.add"))),
    endpoints.length
      ? table([
        [t("webhooks.url"), (endpoint) => h("a", { href: `#/apps/${app.id}/webhooks/${endpoint.id}` }, endpoint.url),
          (endpoint) => endpoint.url],
        [t("webhooks.description"), (endpoint) => endpoint.description || "—"],
        [t("webhooks.event_types"), (endpoint) => endpoint.event_types.map(eventLabel).join(", ")],
        [t("webhooks.state"), endpointBadge, (endpoint) => (endpoint.enabled ? t("webhooks.enabled") : t("webhooks.disabled"))],
        [t("webhooks.created_at"), (endpoint) => formatDate(endpoint.created_at, false), (endpoint) => endpoint.created_at],
      ], endpoints)
      : empty(t("webhooks.none")));
}

/**
 * The events an endpoint can subscribe to, as checkboxes with their names in words; choosing none is said
 * beside them before anything is sent (the service's own rule).
 */
async function eventTypeChoices(checked) {
  const types = await api("GET", `${hooksApi}/event-types`);
  const group = checkboxes({
    legend: t("webhooks.event_types"), name: "event_types", checked, hint: t("webhooks.event_types_hint"),
    choices: types.filter((type) => type.name !== "webhook.test").map((type) => [type.name, eventLabel(type.name)]),
  });
  const judge = () => {
    if (group.querySelector("input:checked")) delete group.dataset.problem;
    else group.dataset.problem = t("webhooks.no_event_types");
  };
  group.addEventListener("change", judge);
  judge();
  return group;
}

function endpointFields(endpoint) {
  return [
    field({ label: t("webhooks.url"), name: "url", type: "url", value: endpoint?.url, required: true, maxlength: 2000,
      hint: t("webhooks.url_hint"), placeholder: "https://", autocomplete: "off" }),
    field({ label: t("webhooks.description"), name: "description", value: endpoint?.description, maxlength: 500,
      hint: t("webhooks.description_hint") }),
  ];
}

async function newEndpoint(applicationId) {
  const app = await api("GET", `/api/v1/partner/applications/${encodeURIComponent(applicationId)}`);
  const back = `#/apps/${app.id}/webhooks`;
  return h("section", {},
    h("p", {}, h("a", { href: back }, t("webhooks.back"))),
    h("h1", {}, t("webhooks.new_title", { name: app.name })),
    form({
      label: t("webhooks.new_title", { name: app.name }),
      submit: t("webhooks.add"),
      actions: [h("a", { class: "button", href: back }, t("action.cancel"))],
      children: [...endpointFields(null), await eventTypeChoices([])],
      onSubmit: async (values) => {
        const created = await api("POST", `${hooksApi}/applications/${encodeURIComponent(app.id)}/endpoints`,
          { body: values });
        await revealOnce({ title: t("webhooks.secret_title"), warning: t("webhooks.secret_shown_once"),
          stored: t("webhooks.secret_stored"), secret: created.secret });
        notice(t("webhooks.added"));
        go(`#/apps/${app.id}/webhooks/${created.id}`);
      },
    }));
}

async function editEndpoint(applicationId, endpointId) {
  const endpoint = await api("GET", `${hooksApi}/endpoints/${encodeURIComponent(endpointId)}`);
  const back = `#/apps/${applicationId}/webhooks/${endpoint.id}`;
  return h("section", {},
    h("h1", {}, t("webhooks.edit_title")),
    form({
      label: t("webhooks.edit_title"),
      submit: t("action.save"),
      actions: [h("a", { class: "button", href: back }, t("action.cancel"))],
      children: [...endpointFields(endpoint), await eventTypeChoices(endpoint.event_types)],
      onSubmit: async (values) => {
        await api("PATCH", endpointPath(endpoint), { body: values });
        notice(t("webhooks.saved"));
        go(back);
      },
    }));
}

async function endpointPage(applicationId, endpointId, query) {
  const page = Number(query.page || 1);
  const [app, endpoint, log] = await Promise.all([
    api("GET", `/api/v1/partner/applications/${encodeURIComponent(applicationId)}`),
    api("GET", `${hooksApi}/endpoints/${encodeURIComponent(endpointId)}`),
    apiPage(`${hooksApi}/endpoints/${encodeURIComponent(endpointId)}/deliveries`,
      { page, page_size: 20, status: query.status }),
  ]);
  const here = `#/apps/${app.id}/webhooks/${endpoint.id}`;
  const filter = searchForm(here, [field({ label: t("webhooks.state"), name: "status", value: query.status || "",
    options: [["", t("webhooks.all_statuses")], ...DELIVERY_STATUSES.map((status) => [status, t(`delivery.${status}`)])] })]);
  const listed = `${here}?${new URLSearchParams({ ...query, page })}`;
  const disabledNote = endpoint.enabled ? null : h("p", { class: "notice warning" },
    t(endpoint.disabled_reason === "failing" ? "webhooks.disabled_failing" : "webhooks.disabled_by_partner",
      { when: formatDate(endpoint.disabled_at) }));
  return h("section", {},
    h("p", {}, h("a", { href: `#/apps/${app.id}/webhooks` }, `← ${app.name}: ${t("apps.tab_webhooks")}`)),
    h("div", { class: "title-row" }, h("h1", { class: "break" }, endpoint.url), endpointBadge(endpoint)),
    disabledNote,
    definition([
      [t("webhooks.description"), endpoint.description || null],
      [t("webhooks.event_types"), h("ul", { class: "plain" }, endpoint.event_types.map((name) => h("li", {}, eventLabel(name))))],
      [t("webhooks.created_at"), formatDate(endpoint.created_at)],
      [t("webhooks.rotated_at"), endpoint.secret_rotated_at ? formatDate(endpoint.secret_rotated_at) : t("webhooks.never")],
      ...(endpoint.previous_secret_expires_at && new Date(endpoint.previous_secret_expires_at) > new Date()
        ? [["", t("webhooks.previous_until", { when: formatDate(endpoint.previous_secret_expires_at) })]] : []),
    ]),
    h("div", { class: "actions" },
      endpoint.enabled ? h("button", { type: "button", class: "primary", onclick: () => perform(
        () => api("POST", `${endpointPath(endpoint)}/test`), t("webhooks.test_sent"), here) }, t("webhooks.test")) : null,
      h("a", { class: "button", href: `${here}/edit` }, t("action.edit")),
      h("button", { type: "button", onclick: () => rotateEndpointSecret(endpoint, here) }, t("webhooks.rotate")),
      endpoint.enabled
        ? h("button", { type: "button", onclick: () => disableEndpoint(endpoint, here) }, t("webhooks.disable"))
        : h("button", { type: "button", class: "primary", onclick: () => perform(
          () => api("PATCH", endpointPath(endpoint), { body: { enabled: true } }), t("webhooks.enabled_done"), here) },
        t("webhooks.enable")),
      h("button", { type: "button", class: "danger", onclick: () => deleteEndpoint(app, endpoint) }, t("webhooks.delete"))),
    h("div", { class: "title-row" }, h("h2", {}, t("webhooks.log")),
      h("button", { type: "button", onclick: () => go(listed) }, t("webhooks.refresh"))),
    h("p", { class: "hint" }, t("webhooks.log_intro")),
    filter,
    log.items.length
      ? [listCount(log.pagination, log.items), deliveryLog(endpoint, log.items, listed)]
      : empty(query.status ? t("webhooks.log_none_found") : t("webhooks.log_empty")),
    pager(log.pagination, (next) => go(`${here}?${new URLSearchParams({ ...query, page: next })}`)));
}

function deliveryLog(endpoint, deliveries, here) {
  return table([
    [t("webhooks.when"), (delivery) => formatDate(delivery.created_at), (delivery) => delivery.created_at],
    [t("webhooks.event"), (delivery) => eventLabel(delivery.event_type), (delivery) => eventLabel(delivery.event_type)],
    [t("webhooks.state"), (delivery) => deliveryBadge(delivery.status), (delivery) => t(`delivery.${delivery.status}`)],
    [t("webhooks.attempts"), (delivery) => String(delivery.attempts), (delivery) => delivery.attempts],
    [t("webhooks.response"), responseCode, (delivery) => delivery.last_status_code],
    [t("webhooks.latency"), (delivery) => (delivery.last_latency_ms === null ? "—"
      : t("webhooks.latency_ms", { ms: delivery.last_latency_ms })), (delivery) => delivery.last_latency_ms],
    [t("webhooks.actions"), (delivery) => h("div", { class: "row-actions" },
      h("button", { type: "button", "aria-label": t("webhooks.show_body_label", { id: delivery.id }),
        onclick: () => showDelivery(endpoint, delivery) }, t("webhooks.show_body")),
      endpoint.enabled ? h("button", { type: "button", "aria-label": t("webhooks.redeliver_label", { id: delivery.id }),
        onclick: () => perform(() => api("POST", `${endpointPath(endpoint)}/deliveries/${encodeURIComponent(delivery.id)}/redeliver`),
          t("webhooks.redelivered", { id: delivery.id }), here) }, t("webhooks.redeliver")) : null)],
  ], deliveries);
}

/** The receiver's last HTTP status, or why there was none (a time-out, a refused connection). */
function responseCode(attempt) {
  const code = attempt.status_code ?? attempt.last_status_code;
  if (code !== null && code !== undefined) return h("code", {}, String(code));
  const error = attempt.error ?? attempt.last_error;
  if (!error) return "—";
  return h("span", { title: error }, t("webhooks.no_response"));
}

/** One message on demand: the body exactly as it was signed, and every attempt with the receiver's answer. */
async function showDelivery(endpoint, delivery) {
  let detail;
  try {
    detail = await api("GET", `${endpointPath(endpoint)}/deliveries/${encodeURIComponent(delivery.id)}`);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    notice(error.message, "error");
    return;
  }
  await dialog({
    title: t("webhooks.body_title", { id: detail.id }),
    body: h("div", { class: "delivery" },
      definition([
        ["webhook-id", h("code", {}, detail.id)],
        [t("webhooks.event"), eventLabel(detail.event_type)],
        [t("webhooks.state"), [deliveryBadge(detail.status), detail.next_attempt_at
          ? ` ${t("webhooks.next_attempt", { when: formatDate(detail.next_attempt_at) })}` : ""]],
      ]),
      h("h3", {}, t("webhooks.body")),
      h("figure", { class: "code-example" },
        h("figcaption", {}, copyButton(detail.body)),
        h("pre", { tabindex: "0", "aria-label": t("webhooks.body") }, h("code", {}, detail.body))),
      h("h3", {}, t("webhooks.attempt_history")),
      detail.attempt_history.length
        ? table([
          [t("webhooks.attempt"), (attempt) => String(attempt.number)],
          [t("webhooks.when"), (attempt) => formatDate(attempt.attempted_at)],
          [t("webhooks.response"), responseCode],
          [t("webhooks.latency"), (attempt) => t("webhooks.latency_ms", { ms: attempt.latency_ms })],
          [t("webhooks.error"), (attempt) => attempt.error || "—"],
          [t("webhooks.answer"), (attempt) => (attempt.response_excerpt ? h("code", {}, attempt.response_excerpt) : "—")],
        ], detail.attempt_history)
        : empty(t("webhooks.log_empty"))),
    buttons: [{ label: t("action.close"), value: "close", primary: true }],
  });
}

async function rotateEndpointSecret(endpoint, here) {
  const answer = await dialog({
    title: t("webhooks.rotate_title"),
    body: h("p", {}, t("webhooks.rotate_warning")),
    buttons: [{ label: t("action.cancel"), value: "" }, { label: t("webhooks.rotate"), value: "go", primary: true }],
  });
  if (answer !== "go") return;
  let rotated;
  try {
    rotated = await api("POST", `${endpointPath(endpoint)}/secret`);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    notice(error.message, "error");
    return;
  }
  await revealOnce({ title: t("webhooks.secret_title"), warning: t("webhooks.secret_shown_once"),
    stored: t("webhooks.secret_stored"), secret: rotated.secret,
    extra: rotated.previous_secret_expires_at
      ? h("p", {}, t("webhooks.previous_until", { when: formatDate(rotated.previous_secret_expires_at) })) : null });
  go(here);
}

async function disableEndpoint(endpoint, here) {
  const answer = await dialog({
    title: t("webhooks.disable_title"),
    body: h("p", {}, t("webhooks.disable_warning", { url: endpoint.url })),
    buttons: [{ label: t("action.cancel"), value: "" }, { label: t("webhooks.disable"), value: "go", danger: true }],
  });
  if (answer !== "go") return;
  await perform(() => api("PATCH", endpointPath(endpoint), { body: { enabled: false } }), t("webhooks.disabled_done"), here);
}

async function deleteEndpoint(app, endpoint) {
  const answer = await dialog({
    title: t("webhooks.delete_title"),
    body: h("p", {}, t("webhooks.delete_warning", { url: endpoint.url })),
    buttons: [{ label: t("action.cancel"), value: "" }, { label: t("webhooks.delete"), value: "go", danger: true }],
  });
  if (answer !== "go") return;
  await perform(() => api("DELETE", endpointPath(endpoint)), t("webhooks.deleted"), `#/apps/${app.id}/webhooks`);
}

// ------------------------------------------------------------------------------------- about the portal
/** Terms of use and privacy: public pages, their paragraphs in the UIs' catalogue. */
function textPage(kind) {
  const sections = Number(t(`${kind}.sections`));
  return h("article", { class: "partner text-page" },
    h("h1", {}, t(`${kind}.title`)),
    h("p", { class: "lead" }, t(`${kind}.intro`)),
    Array.from({ length: sections }, (_, index) => [
      h("h2", {}, t(`${kind}.${index + 1}.title`)), h("p", {}, t(`${kind}.${index + 1}.text`))]),
    h("p", {}, t("about.questions"), " ", h("a", { href: "#/contact" }, t("footer.contact")), "."));
}

async function contactPage() {
  const address = await helpdesk();
  return h("article", { class: "partner text-page" },
    h("h1", {}, t("contact.title")),
    h("p", { class: "lead" }, t("contact.intro")),
    address
      ? h("p", {}, t("contact.write"), " ", h("a", { href: `mailto:${address}` }, address))
      : h("p", {}, t("contact.unavailable")),
    h("h2", {}, t("contact.before_title")),
    h("ul", {}, ["contact.tip_account", "contact.tip_client", "contact.tip_no_secret"].map((key) => h("li", {}, t(key)))));
}

// ------------------------------------------------------------------------------------ API documentation
const CLIENT_PLACEHOLDER = "JOUW_CLIENT_ID";
const WEBHOOKS_GUIDE = "docs/webhooks.md"; // the integrators' guide, in the portal's source

/** The identity service's published contract and metadata: the token endpoint as it really is. */
async function identityContract() {
  const [contract, metadata] = await Promise.all([
    api("GET", "/_/identity/openapi.json"), api("GET", "/.well-known/oauth-authorization-server")]);
  return { contract, metadata };
}

/** The signed-in partner's client ids (none for a visitor, who sees placeholders). */
async function ownClientIds() {
  if (!session.tokens || !(await currentProfile())) return [];
  const { items } = await apiPage("/api/v1/partner/applications", { page_size: 100 });
  return items.filter((app) => app.client_id).map((app) => [app.client_id, app.name]);
}

function tokenExamples(tokenUrl, clientId) {
  return {
    curl: `curl -u "${clientId}:$CLIENT_SECRET" \\\n  -d grant_type=client_credentials \\\n  -d scope="leerlingen" \\\n  ${tokenUrl}`,
    Python: `import os\nimport requests\n\nanswer = requests.post(\n    "${tokenUrl}",\n    data={"grant_type": "client_credentials", "scope": "leerlingen"},\n    auth=("${clientId}", os.environ["CLIENT_SECRET"]),\n    timeout=10,\n)\nanswer.raise_for_status()\naccess_token = answer.json()["access_token"]`,
    JavaScript: `const answer = await fetch("${tokenUrl}", {\n  method: "POST",\n  headers: {\n    Authorization: "Basic " + btoa("${clientId}:" + process.env.CLIENT_SECRET),\n    "Content-Type": "application/x-www-form-urlencoded",\n  },\n  body: new URLSearchParams({ grant_type: "client_credentials", scope: "leerlingen" }),\n});\nif (!answer.ok) throw new Error((await answer.json()).error);\nconst { access_token: accessToken } = await answer.json();`,
  };
}

function codeBlock(label, code) {
  return h("figure", { class: "code-example" },
    h("figcaption", {}, label, " ", copyButton(code, t("docs.copy_example", { language: label }))),
    h("pre", { tabindex: "0", "aria-label": t("docs.example_of", { language: label }) }, h("code", {}, code)));
}

async function apiDocs() {
  const [{ contract, metadata }, clients] = await Promise.all([identityContract(), ownClientIds()]);
  const token = contract.paths["/oauth/token"].post;
  const schemas = contract.components.schemas;
  const fields = Object.assign({}, ...(schemas.TokenRequest.allOf || [schemas.TokenRequest]).map((part) =>
    (part.$ref ? schemas[part.$ref.split("/").pop()] : part).properties || {}));
  const clientId = clients[0]?.[0] || CLIENT_PLACEHOLDER;
  const examples = h("div", {});
  const showExamples = (id) => examples.replaceChildren(...Object.entries(tokenExamples(metadata.token_endpoint, id))
    .map(([label, code]) => codeBlock(label, code)));
  showExamples(clientId);
  const section = (id, title, ...content) => h("section", { "aria-labelledby": id },
    h("h2", { id, tabindex: "-1" }, title), content);
  return h("article", { class: "docs" },
    h("h1", {}, t("docs.title")),
    h("p", { class: "lead" }, t("docs.intro")),
    h("nav", { "aria-label": t("docs.contents") }, h("ol", {}, [
      ["docs-start", t("docs.start_title")], ["docs-token", t("docs.token_title")], ["docs-claims", t("docs.claims_title")],
      ["docs-errors", t("docs.errors_title")], ["docs-limits", t("docs.limits_title")], ["docs-rotation", t("docs.rotation_title")],
      ["docs-webhooks", t("docs.webhooks_title")],
    ].map(([id, title]) => h("li", {}, h("a", { href: `#/docs`, onclick: (event) => {
      event.preventDefault();
      document.getElementById(id).focus();
    } }, title))))),
    section("docs-start", t("docs.start_title"), h("ol", { class: "steps" }, [1, 2, 3, 4, 5].map((step) =>
      h("li", {}, h("strong", {}, t(`docs.step${step}`)), " ", t(`docs.step${step}_text`))))),
    section("docs-token", t("docs.token_title"),
      h("p", {}, h("code", {}, `POST ${metadata.token_endpoint}`), " · ", token.summary),
      h("p", {}, token.description),
      clients.length > 1
        ? field({ label: t("docs.which_client"), name: "client", value: clientId,
          options: clients.map(([id, name]) => [id, `${name} (${id})`]), onchange: (event) => showExamples(event.target.value) })
        : null,
      h("p", { class: "hint" }, clients.length ? t("docs.own_client") : t("docs.placeholder", { placeholder: CLIENT_PLACEHOLDER })),
      examples,
      h("h3", {}, t("docs.parameters")),
      table([
        [t("docs.parameter"), ([name]) => h("code", {}, name)],
        [t("docs.meaning"), ([, spec]) => spec.description || (spec.enum ? spec.enum.join(", ") : "—")],
      ], Object.entries(fields)),
      h("h3", {}, t("docs.answer")),
      table([
        [t("docs.field"), ([name]) => h("code", {}, name)],
        [t("docs.meaning"), ([, spec]) => spec.description || (spec.enum ? spec.enum.join(", ") : spec.type)],
      ], Object.entries(schemas.TokenResponse.properties))),
    section("docs-claims", t("docs.claims_title"),
      h("p", {}, t("docs.claims_intro")),
      table([
        [t("docs.claim"), (name) => h("code", {}, name)],
        [t("docs.meaning"), (name) => t(`docs.claim_${name}`)],
      ], ["iss", "sub", "aud", "client_id", "exp", "scope", "grants"]),
      h("p", {}, t("docs.grants_explained")),
      h("pre", { tabindex: "0" }, h("code", {}, JSON.stringify({ scope: "leerlingen personeel",
        grants: { leerlingen: ["012345", "067890"], personeel: ["012345"] } }, null, 2))),
      h("p", {}, t("docs.grants_rule"))),
    section("docs-errors", t("docs.errors_title"),
      h("p", {}, t("docs.errors_intro")),
      table([
        [t("docs.status"), ([status]) => h("code", {}, status)],
        [t("docs.meaning"), ([, answer]) => answer.description],
      ], Object.entries(token.responses).filter(([status]) => status !== "200")),
      table([
        [t("docs.error_code"), (code) => h("code", {}, code)],
        [t("docs.meaning"), (code) => t(`docs.error_${code}`)],
      ], schemas.OAuthError.properties.error.enum)),
    section("docs-limits", t("docs.limits_title"), h("ul", {}, ["limits_rate", "limits_guessing", "limits_lifetime"]
      .map((key) => h("li", {}, t(`docs.${key}`))))),
    section("docs-rotation", t("docs.rotation_title"), h("ol", {}, [1, 2, 3].map((step) =>
      h("li", {}, t(`docs.rotation${step}`))))),
    section("docs-webhooks", t("docs.webhooks_title"),
      h("p", {}, t("docs.webhooks_intro")),
      h("ul", {}, ["webhooks_headers", "webhooks_verify", "webhooks_answer"].map((key) => h("li", {}, t(`docs.${key}`)))),
      h("h3", {}, t("docs.webhooks_events")),
      h("ul", {}, WEBHOOK_EVENTS.map((name) => h("li", {}, h("code", {}, name), " · ", t(`webhook_event.${name}`)))),
      h("p", {}, t("docs.webhooks_guide"), " ", h("code", {}, WEBHOOKS_GUIDE))));
}

// ---------------------------------------------------------------------------------------------- shell
function shell(path) {
  const section = path.startsWith("/apps") ? "apps" : path.startsWith("/profile") ? "profile"
    : path.startsWith("/docs") ? "docs" : "home";
  const menu = [["#/", t("menu.partners"), "home"], ["#/docs", t("menu.docs"), "docs"]];
  if (session.tokens) menu.push(["#/profile", t("menu.profile"), "profile"], ["#/apps", t("menu.apps"), "apps"]);
  drawShell({
    title: t("product"),
    menu,
    current: section,
    signInTarget: "#/profile",
    visitor: [h("a", { href: "#/register", class: "button" }, t("action.register"))],
  });
}

const partnerOnly = { auth: true };
startApp({
  session,
  shell,
  routes: [
    [/^\/$/, landing],
    [/^\/partners\/([\w-]+)$/, partnerPage],
    [/^\/register$/, registration],
    [/^\/terms$/, () => textPage("terms")],
    [/^\/privacy$/, () => textPage("privacy")],
    [/^\/contact$/, contactPage],
    [/^\/docs$/, apiDocs],
    [/^\/profile$/, profilePage, partnerOnly],
    [/^\/profile\/new$/, () => profileForm("new"), partnerOnly],
    [/^\/profile\/edit$/, () => profileForm("edit"), partnerOnly],
    [/^\/profile\/link$/, linkProfile, partnerOnly],
    [/^\/apps$/, applicationsPage, partnerOnly],
    [/^\/apps\/new$/, newApplication, partnerOnly],
    [/^\/apps\/link$/, linkApplication, partnerOnly],
    [/^\/apps\/([\w-]+)$/, (id) => applicationPage(id), partnerOnly],
    [/^\/apps\/([\w-]+)\/(access|credentials|webhooks)$/, (id, tab) => applicationPage(id, tab), partnerOnly],
    [/^\/apps\/([\w-]+)\/webhooks\/new$/, newEndpoint, partnerOnly],
    [/^\/apps\/([\w-]+)\/webhooks\/([\w-]+)$/, endpointPage, partnerOnly],
    [/^\/apps\/([\w-]+)\/webhooks\/([\w-]+)\/edit$/, editEndpoint, partnerOnly],
    [/^\/apps\/([\w-]+)\/edit$/, editApplication, partnerOnly],
  ],
  notFound: () => h("section", {}, h("h1", {}, t("error.not_found")), h("p", {}, h("a", { href: "#/" }, t("menu.partners")))),
});
