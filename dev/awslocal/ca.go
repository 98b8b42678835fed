package awslocal

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The CA's files, in the ca folder of the cache.
const (
	caCertFile   = "cert.pem"
	caKeyFile    = "key.pem"
	caBundleFile = "bundle.pem"
)

// systemRoots are the files Linux distributions keep their bundle of
// trusted roots in, in the order Go's crypto/x509 looks for them.
var systemRoots = []string{
	"/etc/ssl/certs/ca-certificates.crt",                // Debian, Ubuntu, Gentoo and others
	"/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora, RHEL 6
	"/etc/ssl/ca-bundle.pem",                            // openSUSE
	"/etc/pki/tls/cacert.pem",                           // OpenELEC
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS, RHEL 7
	"/etc/ssl/cert.pem",                                 // Alpine
}

// caLifetime is how long a generated CA is valid; caRenewBefore is how close
// to its end a CA on disk is replaced by a new one.
const (
	caLifetime    = 10 * 365 * 24 * time.Hour
	caRenewBefore = 30 * 24 * time.Hour
	leafLifetime  = 90 * 24 * time.Hour
)

// authority is the certificate authority wsdesign dev generates once, kept in the
// user's cache, that signs a leaf certificate for each AWS host name a
// handler connects to. Handlers trust it through the environment Front.Env
// and Front.ProxyEnv give them.
type authority struct {
	// certFile is the PEM file of the CA certificate, the one handler
	// processes are told to trust.
	certFile string

	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	leafKey *ecdsa.PrivateKey

	mu     sync.Mutex
	leaves map[string]*tls.Certificate
}

// loadCA reads the CA kept in dir (cert.pem, and key.pem with mode 0600),
// generating and writing it first when it is missing, unreadable or close to
// its expiry.
func loadCA(dir string) (*authority, error) {
	certFile := filepath.Join(dir, caCertFile)
	keyFile := filepath.Join(dir, caKeyFile)
	cert, key, err := readCA(certFile, keyFile)
	if err != nil || time.Until(cert.NotAfter) < caRenewBefore {
		if cert, key, err = writeCA(dir, certFile, keyFile); err != nil {
			return nil, err
		}
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate the leaf certificates' key: %w", err)
	}
	return &authority{certFile: certFile, cert: cert, key: key, leafKey: leafKey, leaves: map[string]*tls.Certificate{}}, nil
}

func readCA(certFile, keyFile string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, nil, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, nil, err
	}
	key, ok := pair.PrivateKey.(*ecdsa.PrivateKey)
	if !ok || !pair.Leaf.IsCA {
		return nil, nil, errors.New("not a wsdesign CA")
	}
	return pair.Leaf, key, nil
}

func writeCA(dir, certFile, keyFile string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate the CA key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "wsdesign dev local CA", Organization: []string{"wsdesign"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caLifetime),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("create the CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("parse the CA certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encode the CA key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("create the CA folder: %w", err)
	}
	// The key first: a certificate on disk without its key would be read
	// back as broken and replaced anyway.
	if err := writeAtomic(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return nil, nil, fmt.Errorf("write the CA key: %w", err)
	}
	if err := writeAtomic(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return nil, nil, fmt.Errorf("write the CA certificate: %w", err)
	}
	return cert, key, nil
}

// certificate returns the leaf certificate for host, issuing it on first use.
func (ca *authority) certificate(host string) (*tls.Certificate, error) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	if leaf, ok := ca.leaves[host]; ok && time.Until(leaf.Leaf.NotAfter) > time.Hour {
		return leaf, nil
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(leafLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &ca.leafKey.PublicKey, ca.key)
	if err != nil {
		return nil, fmt.Errorf("issue a certificate for %s: %w", host, err)
	}
	leafCert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse the certificate for %s: %w", host, err)
	}
	leaf := &tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: ca.leafKey, Leaf: leafCert}
	ca.leaves[host] = leaf
	return leaf, nil
}

// writeBundle writes, next to the CA certificate, the first of systemFiles
// that exists followed by the CA certificate (the CA alone when none
// exists), and returns the bundle's name. Handlers without a hook are given
// it as SSL_CERT_FILE, which takes the place of the system's bundle: the CA
// alone would leave every host but AWS's untrusted.
func (ca *authority) writeBundle(systemFiles []string) (string, error) {
	var bundle []byte
	for _, name := range systemFiles {
		if roots, err := os.ReadFile(name); err == nil {
			bundle = roots
			break
		}
	}
	if len(bundle) > 0 && bundle[len(bundle)-1] != '\n' {
		bundle = append(bundle, '\n')
	}
	bundle = append(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw})...)
	name := filepath.Join(filepath.Dir(ca.certFile), caBundleFile)
	if err := writeChanged(name, bundle, 0o644); err != nil {
		return "", fmt.Errorf("write the bundle of trusted roots: %w", err)
	}
	return name, nil
}

// serial returns a random 128-bit serial number (crypto/rand.Read does not
// return errors: it crashes the program instead).
func serial() *big.Int {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return new(big.Int).SetBytes(b)
}

// writeChanged writes data to name, creating its folder, unless name holds
// data already.
func writeChanged(name string, data []byte, perm fs.FileMode) error {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return writeAtomic(name, data, perm)
}

// writeAtomic writes data to a temporary file next to name and renames it
// into place, so that a concurrent reader sees the old file or the new one.
func writeAtomic(name string, data []byte, perm fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}
