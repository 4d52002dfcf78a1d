package api

import (
	"net/http"

	"go.temporal.io/sdk/converter"

	"github.com/sellmigrate/sellmigrate/codec"
)

// CodecPath is the codec endpoint's base, as the Temporal Web UI (codec.endpoint) and
// the temporal CLI (--codec-endpoint) are given it: they POST to CodecPath+"/encode"
// and CodecPath+"/decode".
const CodecPath = "/codec"

// CodecOptions configures the remote payload codec endpoint.
type CodecOptions struct {
	// Codec encodes and decodes; nil is a keyless codec (plain payloads pass, an
	// encrypted one is an error naming temporal.codec_keys).
	Codec converter.PayloadCodec
	// CORSOrigin is the one browser origin (the Temporal Web UI's) whose scripts may
	// call the endpoint, with credentials; empty allows none.
	CORSOrigin string
}

// codecMaxBody bounds a codec request. It is not api.max_body_bytes: the Web UI sends
// whole payloads, which Temporal allows up to 2 MiB each, base64 in JSON.
const codecMaxBody = 8 << 20

// registerCodec serves the endpoint. Its routes are not in apiRoutes: a browser calls
// them from the Web UI's origin, so they take a cookie session from another origin of
// the same site (reading is all they do: a decoded payload reaches only the configured
// origin's scripts, which CORS enforces), and they answer CORS preflights.
func (s *Server) registerCodec(mux *http.ServeMux) {
	pc := s.opts.Codec.Codec
	if pc == nil {
		pc = codec.Keyless()
	}
	sdk := converter.NewPayloadCodecHTTPHandler(pc)
	for _, path := range []string{CodecPath + "/encode", CodecPath + "/decode"} {
		post := route{method: http.MethodPost, path: path, role: RoleViewer}
		s.routes[post.pattern()] = post
		mux.HandleFunc(post.pattern(), func(w http.ResponseWriter, r *http.Request) {
			s.codecCORS(w, r)
			p, err := s.auth.authenticate(r)
			if err != nil {
				// A failed sign-in counts against the caller's address, as on the API.
				if s.admitAPIRequest(w, r, principal{}) {
					s.writeError(w, r, err)
				}
				return
			}
			if !s.admitAPIRequest(w, r, p) {
				return
			}
			if p.role < RoleViewer {
				s.writeError(w, r, newError(codeForbidden, "the codec endpoint needs the viewer role"))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, codecMaxBody)
			sdk.ServeHTTP(w, r)
		})
		mux.HandleFunc(http.MethodOptions+" "+path, func(w http.ResponseWriter, r *http.Request) {
			if s.codecCORS(w, r) {
				w.Header().Set("Access-Control-Allow-Methods", "POST, OPTIONS")
				// What the Web UI sends: its JSON body, the namespace, and, with
				// codec.passAccessToken, its own bearer token.
				w.Header().Set("Access-Control-Allow-Headers", "Authorization, Authorization-Extras, Content-Type, X-Namespace")
				w.Header().Set("Access-Control-Max-Age", "600")
			}
			w.WriteHeader(http.StatusNoContent)
		})
	}
}

// codecCORS lets the configured origin read the answer, with credentials; any other
// origin gets no CORS header, so its scripts read nothing. It reports whether the
// request came from the allowed origin.
func (s *Server) codecCORS(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if origin == "" || s.opts.Codec.CORSOrigin == "" || origin != s.opts.Codec.CORSOrigin {
		return false
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	w.Header().Set("Access-Control-Allow-Credentials", "true")
	return true
}
