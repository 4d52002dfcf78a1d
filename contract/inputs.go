package contract

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Human inputs. Each is accepted as a signal (fire and forget; a refused one is
// recorded in the progress with its reason) and as an update of the same name (its
// validator refuses a bad or out-of-order input at once, with the reason).
const (
	ChooseSubdomainName   = "choose-subdomain"
	OwnerLoginName        = "owner-login"
	LicenseAssignedName   = "license-assigned"
	BackName              = "back"
	AcceptDisclaimersName = "accept-disclaimers"
	RetryName             = "retry"
)

// Payload is what every human input carries.
type Payload interface {
	// Sender is who sent the input: an email, recorded with it.
	Sender() string
	// Detail is the input in a few words, for the inputs log.
	Detail() string
	// Check applies the rules that need no workflow state; a *FieldError names the
	// field at fault. The workflow's validators apply it too, then judge the timing.
	Check() error
	// SentBy is the API principal the input came through (see Stamp); nil when it
	// came another way (the CLI, a signal) or before principals were recorded.
	SentBy() *Principal
}

// Principal is who sent an input or started a migration through the HTTP API: the
// named API token (or the dashboard session signed in with it). The API sets it from
// the caller's credentials; a body never does.
type Principal struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// Stamp carries the principal in every input payload, as "principal". It is
// optional, so payloads recorded before it existed decode unchanged.
type Stamp struct {
	Principal *Principal `json:"principal,omitempty"`
}

// SentBy is the principal stamped on the payload, or nil.
func (s Stamp) SentBy() *Principal { return s.Principal }

// SetSentBy stamps the payload with the principal sending it.
func (s *Stamp) SetSentBy(p *Principal) { s.Principal = p }

// Operated is an input payload whose "by" names the person sending it (every input
// but owner-login, whose email is the owner's): the API fills an absent one with the
// principal's email, and refuses one that differs from it.
type Operated interface {
	Payload
	OperatorEmail() string
	SetOperatorEmail(email string)
}

// Human input payloads.
type (
	ChooseSubdomainInput struct {
		Subdomain string `json:"subdomain"`
		By        string `json:"by"`
		Stamp
	}
	// OwnerLoginInput refers to the OAuth grant the owner's Zendesk sign-in produced,
	// stored by whoever took the sign-in (the API's /oauth/callback). The migration
	// verifies the grant itself: who signed in is what Zendesk says the grant's token
	// belongs to, never what the sender claims.
	OwnerLoginInput struct {
		GrantID string `json:"grantId"`
		// UserEmail is who the sender says signed in, for the inputs log only.
		// Migrations recorded before grants carried only this field.
		UserEmail string `json:"userEmail,omitempty"`
		Stamp
	}
	LicenseAssignedInput struct {
		By string `json:"by"`
		Stamp
	}
	BackInput struct {
		By string `json:"by"`
		Stamp
	}
	AcceptDisclaimersInput struct {
		By string `json:"by"`
		// Version defaults to the policy's disclaimer version.
		Version string `json:"version,omitempty"`
		// SHA256 is the fingerprint of the text the admin read (the dashboard and
		// "sellmigrate disclaimers show" give it). Optional, for older clients; when
		// sent it must be the version's own, so an admin never accepts words other
		// than those they were shown. The migration records the hash of the embedded
		// text either way, never this field.
		SHA256 string `json:"sha256,omitempty"`
		Stamp
	}
	RetryInput struct {
		By string `json:"by"`
		Stamp
	}
)

func (in *ChooseSubdomainInput) OperatorEmail() string     { return in.By }
func (in *ChooseSubdomainInput) SetOperatorEmail(v string) { in.By = v }
func (in *LicenseAssignedInput) OperatorEmail() string     { return in.By }
func (in *LicenseAssignedInput) SetOperatorEmail(v string) { in.By = v }
func (in *BackInput) OperatorEmail() string                { return in.By }
func (in *BackInput) SetOperatorEmail(v string)            { in.By = v }
func (in *AcceptDisclaimersInput) OperatorEmail() string   { return in.By }
func (in *AcceptDisclaimersInput) SetOperatorEmail(v string) {
	in.By = v
}
func (in *RetryInput) OperatorEmail() string     { return in.By }
func (in *RetryInput) SetOperatorEmail(v string) { in.By = v }

func (in ChooseSubdomainInput) Sender() string { return in.By }
func (in ChooseSubdomainInput) Detail() string { return "subdomain " + in.Subdomain }
func (in ChooseSubdomainInput) Check() error {
	if err := checkBy(in.By); err != nil {
		return err
	}
	if err := ValidateSubdomain(in.Subdomain); err != nil {
		return &FieldError{Field: "subdomain", Msg: err.Error()}
	}
	return nil
}

func (in OwnerLoginInput) Sender() string { return in.UserEmail }
func (in OwnerLoginInput) Detail() string {
	if in.GrantID == "" {
		return "logged in as " + in.UserEmail
	}
	return "signed in to Zendesk (grant " + in.GrantID + ")"
}

// Check refuses an owner login without a grant: an email alone proves nothing, as
// anyone can type the owner's.
func (in OwnerLoginInput) Check() error {
	if strings.TrimSpace(in.GrantID) == "" {
		return &FieldError{Field: "grantId", Msg: "grantId is missing: an owner login must come from the owner's own Zendesk sign-in, an email alone proves nothing; " +
			"open the link that \"sellmigrate signal ID owner-login\" prints (the dashboard's owner login) and let the Zendesk account owner sign in there"}
	}
	if !IsCredentialID(in.GrantID) {
		return &FieldError{Field: "grantId", Msg: fmt.Sprintf("grantId %q is not a grant ID; it is the ID the owner login page stored for the owner's sign-in, e.g. cred_0123456789abcdefghijklmnop", in.GrantID)}
	}
	if in.UserEmail != "" && !IsEmail(in.UserEmail) {
		return &FieldError{Field: "userEmail", Msg: fmt.Sprintf("userEmail %q is not an email address; leave it out or give the email of who signed in", in.UserEmail)}
	}
	return nil
}

func (in LicenseAssignedInput) Sender() string { return in.By }
func (in LicenseAssignedInput) Detail() string { return "Sell license assigned to the owner" }
func (in LicenseAssignedInput) Check() error   { return checkBy(in.By) }

func (in BackInput) Sender() string { return in.By }
func (in BackInput) Detail() string { return "back to choose another subdomain" }
func (in BackInput) Check() error   { return checkBy(in.By) }

func (in AcceptDisclaimersInput) Sender() string { return in.By }
func (in AcceptDisclaimersInput) Detail() string {
	s := "accepted disclaimers version " + in.Version
	if in.Version == "" {
		s = "accepted the current disclaimers"
	}
	if in.SHA256 != "" {
		// The first 12 digits tell texts apart in a log line; the progress keeps all 64.
		s += " (sha256 " + in.SHA256[:min(12, len(in.SHA256))] + ")"
	}
	return s
}
func (in AcceptDisclaimersInput) Check() error {
	if strings.ContainsAny(in.Version, " \t\r\n") {
		return &FieldError{Field: "version", Msg: fmt.Sprintf("disclaimer version %q must not contain spaces, e.g. 2024-01", in.Version)}
	}
	if in.SHA256 != "" && !IsSHA256(in.SHA256) {
		return &FieldError{Field: "sha256", Msg: fmt.Sprintf("sha256 %q is not a SHA-256: give the 64 lowercase hex digits that sellmigrate disclaimers show (or the dashboard) prints for the text you read, or leave it out", in.SHA256)}
	}
	return checkBy(in.By)
}

func (in RetryInput) Sender() string { return in.By }
func (in RetryInput) Detail() string { return "retry the step that needs attention" }
func (in RetryInput) Check() error   { return checkBy(in.By) }

// FieldError is a field of an input that breaks a rule; nothing was sent or changed.
type FieldError struct {
	// Field is the JSON name of the field, e.g. by, userEmail, subdomain.
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Msg }

func checkBy(by string) error {
	return checkEmailField("by", by, "the email of the person sending this input")
}

func checkEmailField(field, value, what string) error {
	if value == "" {
		return &FieldError{Field: field, Msg: fmt.Sprintf("%s is missing: give %s, e.g. admin@acme.test", field, what)}
	}
	if !IsEmail(value) {
		return &FieldError{Field: field, Msg: fmt.Sprintf("%s %q is not an email address: give %s, e.g. admin@acme.test", field, value, what)}
	}
	return nil
}

// FieldFormat says what a field holds, for the CLI's help and the OpenAPI schema.
type FieldFormat string

const (
	FormatEmail     FieldFormat = "email"
	FormatSubdomain FieldFormat = "subdomain"
	FormatText      FieldFormat = "text"
)

// Field is one field of an input's payload.
type Field struct {
	// JSON is its name in the payload (the API's body); Flag is the CLI flag.
	JSON, Flag string
	Required   bool
	Format     FieldFormat
	// Doc says what to put there; Example is a value from the demo data.
	Doc, Example string
}

// Input is one human input: its name and payload, the rules that need no workflow
// state, who may send it, and how the CLI, the API and the dashboard offer it.
type Input struct {
	Name string
	// Title is the input as a button reads ("Accept disclaimers"); Doc says what it
	// means and when it applies, for the CLI's help, the OpenAPI document and the
	// dashboard.
	Title, Doc string
	// Role is the least API role that may send it.
	Role   Role
	Fields []Field
	// Command also offers the input as a CLI command of its own ("sellmigrate retry").
	Command bool
	// Mode, when set, is the only mode in which the input applies.
	Mode Mode
	// Page, when set, is a page a person opens to give the input (the owner logs in
	// through Zendesk's OAuth), with {id} for the workflow ID; the dashboard links to
	// it instead of sending the input itself. The page takes only links that also
	// carry an expiry and a signature (internal/ownerlink), so the CLI, reminders and
	// the API (GET /api/v1/migrations/{id}/owner-login-link) sign them.
	Page    string
	payload reflect.Type
}

// inputs is the registry, in the order a migration usually meets them. Adding an input
// means adding it here and giving the workflow its handling; the starter, the API and
// its OpenAPI document, the CLI and the dashboard read it from here.
var inputs = []Input{
	{
		Name: ChooseSubdomainName, Title: "Choose subdomain", Role: RoleAdmin,
		Doc: "Pick the Zendesk subdomain (the login address) when the migration needs one: the first choice was taken, unknown or invalid, or the admin went back.",
		Fields: []Field{
			{JSON: "subdomain", Flag: "subdomain", Required: true, Format: FormatSubdomain, Doc: "the subdomain chosen", Example: "acme"},
			byField,
		},
		payload: reflect.TypeFor[ChooseSubdomainInput](),
	},
	{
		Name: OwnerLoginName, Title: "Owner login", Role: RoleAdmin, Mode: ModeExisting,
		Page: "/oauth/owner-login?migration={id}",
		Doc:  "The Zendesk account owner of an existing account signs in to Zendesk (OAuth) to prove ownership; the sign-in's grant is stored and this input refers to it. A grant of anyone else, for another account or migration, expired or revoked is refused with the reason; an email alone is refused.",
		Fields: []Field{
			{JSON: "grantId", Flag: "grant-id", Required: true, Format: FormatText, Doc: "the stored grant of the owner's Zendesk sign-in; the owner login page (/oauth/callback) stores it and sends this input", Example: "cred_0123456789abcdefghijklmnop"},
			{JSON: "userEmail", Flag: "user-email", Format: FormatEmail, Doc: "who signed in, for the inputs log only; the migration reads who the grant belongs to from Zendesk", Example: "owner@globex.test"},
		},
		payload: reflect.TypeFor[OwnerLoginInput](),
	},
	{
		Name: LicenseAssignedName, Title: "License assigned", Role: RoleAdmin, Mode: ModeExisting,
		Doc:     "A Sell admin gave the verified owner a Sell license (Sell > Settings > Users); the migration checks again.",
		Fields:  []Field{byField},
		payload: reflect.TypeFor[LicenseAssignedInput](),
	},
	{
		Name: BackName, Title: "Back", Role: RoleAdmin,
		Doc:     "On the confirmation screen, go back and choose another subdomain; an account this migration created for the old choice is released.",
		Fields:  []Field{byField},
		payload: reflect.TypeFor[BackInput](),
	},
	{
		Name: AcceptDisclaimersName, Title: "Accept disclaimers", Role: RoleAdmin,
		Doc: "Accept the disclaimers (GET /api/v1/disclaimers/{version} or sellmigrate disclaimers show gives their text) and connect the accounts now: the accounts are linked and the Sell users become contributors. The migration records the version and the SHA-256 of its text.",
		Fields: []Field{
			byField,
			{JSON: "version", Flag: "version", Format: FormatText, Doc: "the disclaimer version accepted (default: the current one)", Example: "2024-01"},
			{JSON: "sha256", Flag: "sha256", Format: FormatText, Doc: "the SHA-256 of the text read, as sellmigrate disclaimers show prints it; refused unless it is that version's", Example: disclaimerExampleSHA256()},
		},
		payload: reflect.TypeFor[AcceptDisclaimersInput](),
	},
	{
		Name: RetryName, Title: "Retry", Role: RoleOps, Command: true,
		Doc:     "After the cause is fixed, run again the step a migration that needs attention stopped at, from where it stopped.",
		Fields:  []Field{opsByField},
		payload: reflect.TypeFor[RetryInput](),
	},
}

var (
	byField    = Field{JSON: "by", Flag: "by", Required: true, Format: FormatEmail, Doc: "the email of the person sending this input (the HTTP API fills in a named token's email, and refuses another)", Example: "admin@acme.test"}
	opsByField = Field{JSON: "by", Flag: "by", Required: true, Format: FormatEmail, Doc: "the email of the operator sending this input (the HTTP API fills in a named token's email, and refuses another)", Example: "ops@example.test"}
)

// Inputs lists every human input.
func Inputs() []Input { return append([]Input(nil), inputs...) }

// InputNames lists the names of every human input.
func InputNames() []string {
	out := make([]string, len(inputs))
	for i, in := range inputs {
		out[i] = in.Name
	}
	return out
}

// LookupInput finds an input by name; an unknown name is a *FieldError listing them.
func LookupInput(name string) (Input, error) {
	for _, in := range inputs {
		if in.Name == name {
			return in, nil
		}
	}
	return Input{}, &FieldError{Field: "input", Msg: fmt.Sprintf("input %q is not known; use one of %s", name, strings.Join(InputNames(), ", "))}
}

// New returns a pointer to an empty payload of the input, to decode into.
func (in Input) New() Payload { return reflect.New(in.payload).Interface().(Payload) }

// Payload accepts the input's payload type as a value or a pointer, checks it, and
// returns it as a value, the form the workflow's handlers take.
func (in Input) Payload(v any) (Payload, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if !rv.IsValid() || rv.Type() != in.payload {
		return nil, &FieldError{Field: "input", Msg: fmt.Sprintf("input %s cannot carry a %T; it takes a %s", in.Name, v, in.payload.Name())}
	}
	p := rv.Interface().(Payload)
	if err := p.Check(); err != nil {
		return nil, err
	}
	return p, nil
}

// FromFlags builds the payload from CLI flag values keyed by flag name, refusing a
// flag the input does not take or a required one that is missing, then checks it.
func (in Input) FromFlags(values map[string]string) (Payload, error) {
	raw := map[string]string{}
	for flag, v := range values {
		f, ok := in.flag(flag)
		if !ok {
			return nil, &FieldError{Field: flag, Msg: fmt.Sprintf("--%s does not apply to %s; it takes %s", flag, in.Name, in.Usage())}
		}
		if v = strings.TrimSpace(v); v != "" {
			raw[f.JSON] = v
		}
	}
	for _, f := range in.Fields {
		if f.Required && raw[f.JSON] == "" {
			return nil, &FieldError{Field: f.JSON, Msg: fmt.Sprintf("%s needs --%s (%s); it takes %s", in.Name, f.Flag, f.Doc, in.Usage())}
		}
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", in.Name, err)
	}
	p := in.New()
	if err := json.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("decode %s: %w", in.Name, err)
	}
	return in.Payload(p)
}

func (in Input) flag(name string) (Field, bool) {
	for _, f := range in.Fields {
		if f.Flag == name {
			return f, true
		}
	}
	return Field{}, false
}

// Usage lists the input's CLI flags: required ones bare, optional ones in brackets.
func (in Input) Usage() string {
	parts := make([]string, 0, len(in.Fields))
	for _, f := range in.Fields {
		flag := "--" + f.Flag + " " + strings.ToUpper(string(f.Format))
		if f.Format == FormatText {
			flag = "--" + f.Flag + " V"
		}
		if !f.Required {
			flag = "[" + flag + "]"
		}
		parts = append(parts, flag)
	}
	return strings.Join(parts, " ")
}

// Example is a payload built from the fields' examples, for documentation.
func (in Input) Example() map[string]string {
	out := map[string]string{}
	for _, f := range in.Fields {
		if f.Required {
			out[f.JSON] = f.Example
		}
	}
	return out
}
