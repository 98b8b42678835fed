package awslocal

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// proxyClient is a client configured as a handler process given ProxyEnv
// is: every request through the front's proxy, trusting the bundle (and
// extra, when given).
func proxyClient(t *testing.T, front *Front, extra ...*x509.Certificate) (*http.Client, *atomic.Int32) {
	t.Helper()
	env := front.ProxyEnv()
	proxyURL, err := url.Parse(env["HTTPS_PROXY"])
	if err != nil {
		t.Fatal(err)
	}
	if env["HTTP_PROXY"] != env["HTTPS_PROXY"] || env["http_proxy"] != env["HTTPS_PROXY"] || env["https_proxy"] != env["HTTPS_PROXY"] {
		t.Errorf("ProxyEnv names different proxies: %v", env)
	}
	pemBundle, err := os.ReadFile(env["SSL_CERT_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemBundle) {
		t.Fatalf("no certificate in the bundle %s", env["SSL_CERT_FILE"])
	}
	for _, c := range extra {
		roots.AddCert(c)
	}
	connects := new(atomic.Int32)
	transport := &http.Transport{
		// Set explicitly: http.ProxyFromEnvironment reads the environment
		// once per process and never proxies loopback hosts.
		Proxy: http.ProxyURL(proxyURL),
		OnProxyConnectResponse: func(_ context.Context, _ *url.URL, _ *http.Request, resp *http.Response) error {
			if resp.StatusCode == http.StatusOK {
				connects.Add(1)
			}
			return nil
		},
	}
	transport.TLSClientConfig = &tls.Config{RootCAs: roots}
	t.Cleanup(transport.CloseIdleConnections)
	return &http.Client{Transport: transport, Timeout: 10 * time.Second}, connects
}

func TestProxyReachesLocalDynamoDB(t *testing.T) {
	fx := startFront(t)
	client, connects := proxyClient(t, fx.front)
	resp, err := client.Post("https://dynamodb.us-east-1.amazonaws.com/", "application/x-amz-json-1.0", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("DynamoDB through the proxy answered %d, want 200", resp.StatusCode)
	}
	if got, want := fx.dynamo.requests(), []string{"POST dynamodb.us-east-1.amazonaws.com /"}; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("DynamoDB server saw %q, want %q", got, want)
	}
	if connects.Load() != 1 {
		t.Errorf("%d CONNECTs answered 200, want 1", connects.Load())
	}
}

func TestProxyReachesLocalConnections(t *testing.T) {
	fx := startFront(t)
	client, _ := proxyClient(t, fx.front)
	resp, err := client.Post("https://abc123.execute-api.us-east-1.amazonaws.com/prod/@connections/x", "text/plain", strings.NewReader("hi"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("@connections through the proxy answered %d, want 200", resp.StatusCode)
	}
	fx.checkConnections(t, "POST abc123.execute-api.us-east-1.amazonaws.com /prod/@connections/x")
}

func TestProxyNotEmulatedFailsFast(t *testing.T) {
	fx := startFront(t)
	client, _ := proxyClient(t, fx.front)
	start := time.Now()
	resp, err := client.Get("https://sqs.us-east-1.amazonaws.com/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	out, _ := json.Marshal(result{
		Status:    resp.StatusCode,
		ErrorType: resp.Header.Get("x-amzn-ErrorType"),
		Body:      string(body),
		Millis:    int(time.Since(start).Milliseconds()),
	})
	fx.checkNotEmulated(t, string(out))
}

func TestProxyTunnelsOtherHostsDirectly(t *testing.T) {
	fx := startFront(t)
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("other host " + r.URL.Path))
	}))
	defer other.Close()
	client, connects := proxyClient(t, fx.front, other.Certificate())
	resp, err := client.Get(other.URL + "/path")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "other host /path" {
		t.Errorf("the other host answered %q, want %q", body, "other host /path")
	}
	if connects.Load() != 1 {
		t.Errorf("%d CONNECTs answered 200, want the request tunnelled through the proxy", connects.Load())
	}
	if got := append(fx.connections.requests(), fx.dynamo.requests()...); len(got) != 0 {
		t.Errorf("local servers saw %q, want nothing", got)
	}
}

func TestProxyForwardsPlainHTTP(t *testing.T) {
	fx := startFront(t)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("plain " + r.URL.Path))
	}))
	defer other.Close()
	client, _ := proxyClient(t, fx.front)
	resp, err := client.Get(other.URL + "/path")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "plain /path" {
		t.Errorf("the other host answered %q, want %q", body, "plain /path")
	}
	resp, err = client.Post("http://dynamodb.eu-west-3.amazonaws.com/", "application/x-amz-json-1.0", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := fx.dynamo.requests(), []string{"POST dynamodb.eu-west-3.amazonaws.com /"}; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("DynamoDB server saw %q, want %q", got, want)
	}
}

func TestBundleHasSystemRootsAndCA(t *testing.T) {
	ca, err := loadCA(filepath.Join(t.TempDir(), "ca"))
	if err != nil {
		t.Fatal(err)
	}
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw})
	system := filepath.Join(t.TempDir(), "roots.pem")
	roots := []byte("-----BEGIN CERTIFICATE-----\nc3lzdGVt\n-----END CERTIFICATE-----") // no final newline
	if err := os.WriteFile(system, roots, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing.pem")

	name, err := ca.writeBundle([]string{missing, system})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(name)
	if want := string(roots) + "\n" + string(caPEM); string(got) != want {
		t.Errorf("bundle =\n%s\nwant the first system bundle that exists, then the CA:\n%s", got, want)
	}

	// An unchanged bundle is not written again.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	os.Chtimes(name, old, old)
	if _, err := ca.writeBundle([]string{system}); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(name); err != nil || !info.ModTime().Equal(old) {
		t.Errorf("the unchanged bundle was written again (%v)", err)
	}

	if _, err := ca.writeBundle([]string{missing}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(name); !bytes.Equal(got, caPEM) {
		t.Errorf("with no system bundle, bundle =\n%s\nwant the CA alone", got)
	}

	// The front's own bundle starts with the system's.
	front, err := Start(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer front.Close()
	bundle, err := os.ReadFile(front.ProxyEnv()["SSL_CERT_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	ownPEM, _ := os.ReadFile(front.CACertFile())
	if !bytes.HasSuffix(bundle, ownPEM) {
		t.Error("the front's bundle does not end with its CA")
	}
	for _, name := range systemRoots {
		if roots, err := os.ReadFile(name); err == nil {
			if !bytes.HasPrefix(bundle, roots) {
				t.Errorf("the front's bundle does not start with the system's %s", name)
			}
			return
		}
	}
	t.Log("no system bundle on this machine")
}

func TestCloseStopsProxy(t *testing.T) {
	front, err := Start(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	// A host that accepts and keeps the tunnel open.
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	go func() {
		if c, err := held.Accept(); err == nil {
			io.Copy(io.Discard, c)
			c.Close()
		}
	}()
	proxyAddr := strings.TrimPrefix(front.ProxyEnv()["HTTP_PROXY"], "http://")
	conn, err := net.Dial("tcp", proxyAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "CONNECT "+held.Addr().String()+" HTTP/1.1\r\nHost: "+held.Addr().String()+"\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("CONNECT: %v %v", resp, err)
	}

	closed := make(chan error, 1)
	go func() { closed <- front.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Close did not return with a tunnel open")
	}
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := br.ReadByte(); err == nil || isTimeout(err) {
		t.Errorf("the open tunnel after Close: read %v, want it closed", err)
	}
	if c, err := net.DialTimeout("tcp", proxyAddr, time.Second); err == nil {
		c.Close()
		t.Error("the proxy still accepts connections after Close")
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return err != nil && errors.As(err, &ne) && ne.Timeout()
}

// userProxy is a proxy of the user's own, as HTTPS_PROXY names it: it
// tunnels CONNECTs, forwards absolute-form requests and records both, with
// the credentials they carried; it refuses what carries none.
type userProxy struct {
	seen chan string
}

func (u userProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.seen <- r.Method + " " + r.Host + " " + r.Header.Get("Proxy-Authorization")
	if r.Header.Get("Proxy-Authorization") == "" {
		w.WriteHeader(http.StatusProxyAuthRequired)
		return
	}
	if r.Method != http.MethodConnect {
		(&httputil.ReverseProxy{Rewrite: func(*httputil.ProxyRequest) {}}).ServeHTTP(w, r)
		return
	}
	target, err := net.Dial("tcp", r.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusOK)
	http.NewResponseController(w).Flush()
	client, buf, _ := http.NewResponseController(w).Hijack()
	go func() { io.Copy(target, buf); target.Close() }()
	io.Copy(client, target)
	client.Close()
}

// TestProxyGoesThroughTheUsersProxy: hosts other than AWS's are reached
// through the proxy dev's own environment names, with its credentials, as
// the handler would reach them without dev; a proxy that refuses is named.
func TestProxyGoesThroughTheUsersProxy(t *testing.T) {
	up := userProxy{seen: make(chan string, 10)}
	upSrv := httptest.NewServer(up)
	defer upSrv.Close()
	via, _ := url.Parse(upSrv.URL)
	var current atomic.Pointer[url.URL]
	current.Store(&url.URL{Scheme: via.Scheme, Host: via.Host, User: url.UserPassword("me", "secret")})
	p, err := startProxy("127.0.0.1:1", http.NotFoundHandler(), func(*http.Request) (*url.URL, error) { return current.Load(), nil })
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	tlsHost := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("tls " + r.URL.Path)) }))
	defer tlsHost.Close()
	plainHost := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("plain " + r.URL.Path)) }))
	defer plainHost.Close()
	ours, _ := url.Parse(p.URL())
	roots := x509.NewCertPool()
	roots.AddCert(tlsHost.Certificate())
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(ours), TLSClientConfig: &tls.Config{RootCAs: roots}}}
	auth := "Basic bWU6c2VjcmV0"
	for _, c := range []struct{ url, body, seen string }{
		{tlsHost.URL + "/a", "tls /a", "CONNECT " + strings.TrimPrefix(tlsHost.URL, "https://") + " " + auth},
		{plainHost.URL + "/b", "plain /b", "GET " + strings.TrimPrefix(plainHost.URL, "http://") + " " + auth},
	} {
		resp, err := client.Get(c.url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != c.body {
			t.Errorf("%s: %q, want %q", c.url, body, c.body)
		}
		select {
		case seen := <-up.seen:
			if seen != c.seen {
				t.Errorf("%s: the user's proxy saw %q, want %q", c.url, seen, c.seen)
			}
		default:
			t.Errorf("%s did not go through the user's proxy", c.url)
		}
	}
	current.Store(via)
	client.Transport.(*http.Transport).CloseIdleConnections()
	_, err = client.Get(tlsHost.URL + "/c")
	if err == nil || !strings.Contains(err.Error(), "Bad Gateway") {
		t.Errorf("through a proxy that refuses: %v, want the CONNECT refused with 502", err)
	}
}
