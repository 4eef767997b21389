package evidence

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Key is the instance's Ed25519 signing key. Manifests are signed with it;
// evaluators check them with the public key shown on /verify and in every
// report.
type Key struct {
	priv ed25519.PrivateKey
}

// NewKey returns a fresh random key (tests and first runs).
func NewKey() *Key {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic("evidence: no randomness: " + err.Error())
	}
	return &Key{priv: priv}
}

// LoadOrCreateKey reads the key from a PEM file (PKCS #8, the form openssl
// reads), generating one into the file with mode 0600 on first run.
func LoadOrCreateKey(path string) (*Key, error) {
	k, err := LoadKey(path)
	if errors.Is(err, os.ErrNotExist) {
		k = NewKey()
		der, err := x509.MarshalPKCS8PrivateKey(k.priv)
		if err != nil {
			return nil, fmt.Errorf("evidence: unable to encode key: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("evidence: unable to create key folder: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("evidence: unable to create signing key: %w", err)
		}
		werr := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der})
		if err := errors.Join(werr, f.Close()); err != nil {
			_ = os.Remove(path)
			return nil, fmt.Errorf("evidence: unable to write signing key: %w", err)
		}
		return k, nil
	}
	return k, err
}

// LoadKey reads the key from a PEM file; a missing file gives an error
// wrapping os.ErrNotExist.
func LoadKey(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("evidence: unable to read signing key: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("evidence: %s holds no PEM private key", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("evidence: %s: %w", path, err)
	}
	priv, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("evidence: %s is not an Ed25519 key", path)
	}
	return &Key{priv: priv}, nil
}

// Public returns the public half.
func (k *Key) Public() ed25519.PublicKey { return k.priv.Public().(ed25519.PublicKey) }

// Sign signs msg.
func (k *Key) Sign(msg []byte) []byte { return ed25519.Sign(k.priv, msg) }

// PublicKeyPEM encodes a public key as a PEM "PUBLIC KEY" block (SPKI), the
// form `openssl pkeyutl -verify -pubin` reads.
func PublicKeyPEM(pub ed25519.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic("evidence: an Ed25519 key always encodes: " + err.Error())
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// Fingerprint is hex(SHA-256(raw 32-byte public key)), the short name of a
// key printed in reports.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:])
}
