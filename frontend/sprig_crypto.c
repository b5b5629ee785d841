/*
 * sprig_crypto.c - Sprig's hashes, AES, derivePassword, keys and
 * certificates, through OpenSSL's libcrypto.
 *
 * Hashes are exact.  Everything Sprig draws from crypto/rand (AES IVs, key
 * pairs, certificate serial numbers) comes here from the template set's
 * seeded generator instead, fed to OpenSSL through a RAND method for the
 * duration of a key generation, so the output is reproducible (and a
 * warning says Helm's would differ).  Certificates follow Go's x509
 * template of Sprig: CN only, the set's fixed clock as NotBefore,
 * serverAuth+clientAuth, SHA-256 signatures, subject/authority key ids.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/dsa.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <string.h>

#include "sprig_impl.h"

#define S (&gt_t_string)
#define I (&gt_t_int)
#define L (&gt_t_list)
#define CERT (&sp_cert_class.type)

static const char *find(const char *h, size_t hn, const char *nd, size_t nn)
{
	for (size_t i = 0; i + nn <= hn; i++)
		if (!memcmp(h + i, nd, nn))
			return h + i;
	return NULL;
}

static void hex(struct sbuf *out, const unsigned char *p, size_t n)
{
	static const char h[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		sbuf_addc(out, h[p[i] >> 4]);
		sbuf_addc(out, h[p[i] & 15]);
	}
}

static int digest(struct gt_call *c, const EVP_MD *md, struct gt_value s, struct gt_value *ret)
{
	unsigned char buf[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!EVP_Digest(s.s.p ? s.s.p : "", s.s.n, buf, &n, md, NULL))
		return gt_call_errorf(c, "digest failed");
	struct sbuf sb = SBUF_INIT;
	hex(&sb, buf, n);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(c_sha1) { (void)n; return digest(c, EVP_sha1(), a[0], ret); }
SP_FN(c_sha256) { (void)n; return digest(c, EVP_sha256(), a[0], ret); }
SP_FN(c_sha512) { (void)n; return digest(c, EVP_sha512(), a[0], ret); }

SP_FN(c_adler32)
{
	(void)n;
	uint32_t s1 = 1, s2 = 0;
	for (size_t i = 0; i < a[0].s.n; i++) {
		s1 = (s1 + (unsigned char)a[0].s.p[i]) % 65521;
		s2 = (s2 + s1) % 65521;
	}
	struct sbuf sb = SBUF_INIT;
	sbuf_printf(&sb, "%u", (s2 << 16) | s1);
	return sp_ret_sbuf(c, ret, &sb);
}

/* ---- a seeded RAND method while generating keys ---- */

static pthread_mutex_t rand_lock = PTHREAD_MUTEX_INITIALIZER;
static struct gt_call *rand_call;

static int seeded_bytes(unsigned char *buf, int num)
{
	if (!rand_call || num < 0)
		return 0;
	sp_rand_bytes(rand_call, buf, (size_t)num);
	return 1;
}

static int seeded_status(void)
{
	return 1;
}

static const RAND_METHOD seeded_method = {
	NULL, seeded_bytes, NULL, NULL, seeded_bytes, seeded_status,
};

static void seeded_begin(struct gt_call *c)
{
	pthread_mutex_lock(&rand_lock);
	rand_call = c;
	RAND_set_rand_method(&seeded_method);
}

static void seeded_end(void)
{
	RAND_set_rand_method(NULL);
	rand_call = NULL;
	pthread_mutex_unlock(&rand_lock);
}

/* ---- AES ---- */

SP_FN(c_encrypt_aes)
{
	(void)n;
	struct gt_value pw = a[0], pt = a[1];
	if (pt.s.n == 0) {
		*ret = gt_cstring("");
		return 0;
	}
	gt_warn_nondeterministic(c, SP_NONDET_CRYPTO, "keys and IVs come from a seeded generator");
	unsigned char key[32] = { 0 };
	memcpy(key, pw.s.p, pw.s.n < 32 ? pw.s.n : 32);
	size_t pad = 16 - pt.s.n % 16;
	size_t len = pt.s.n + pad;
	unsigned char *content = xmalloc(len), *out = xmalloc(16 + len + 16);
	memcpy(content, pt.s.p, pt.s.n);
	memset(content + pt.s.n, (int)pad, pad);
	sp_rand_bytes(c, out, 16);
	EVP_CIPHER_CTX *cx = EVP_CIPHER_CTX_new();
	int ol = 0, fl = 0;
	EVP_EncryptInit_ex(cx, EVP_aes_256_cbc(), NULL, key, out);
	EVP_CIPHER_CTX_set_padding(cx, 0);
	EVP_EncryptUpdate(cx, out + 16, &ol, content, (int)len);
	EVP_EncryptFinal_ex(cx, out + 16 + ol, &fl);
	EVP_CIPHER_CTX_free(cx);
	struct sbuf sb = SBUF_INIT;
	b64_encode(&sb, out, 16 + (size_t)ol + (size_t)fl);
	free(content);
	free(out);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(c_decrypt_aes)
{
	(void)n;
	struct gt_value pw = a[0], ct = a[1];
	if (ct.s.n == 0) {
		*ret = gt_cstring("");
		return 0;
	}
	unsigned char key[32] = { 0 };
	memcpy(key, pw.s.p, pw.s.n < 32 ? pw.s.n : 32);
	struct sbuf raw = SBUF_INIT;
	size_t bad;
	if (!b64_decode_at(&raw, ct.s.p, ct.s.n, &bad)) {
		sbuf_release(&raw);
		return gt_call_errorf(c, "illegal base64 data at input byte %zu", bad);
	}
	if (raw.len < 16) {
		int r = gt_call_errorf(c, "runtime error: slice bounds out of range [:16] with capacity %zu", raw.len);
		sbuf_release(&raw);
		return r;
	}
	size_t len = raw.len - 16;
	if (len % 16) {
		sbuf_release(&raw);
		return gt_call_errorf(c, "crypto/cipher: input not full blocks");
	}
	unsigned char *dec = xmalloc(len + 16);
	EVP_CIPHER_CTX *cx = EVP_CIPHER_CTX_new();
	int ol = 0, fl = 0;
	EVP_DecryptInit_ex(cx, EVP_aes_256_cbc(), NULL, key, (unsigned char *)raw.buf);
	EVP_CIPHER_CTX_set_padding(cx, 0);
	EVP_DecryptUpdate(cx, dec, &ol, (unsigned char *)raw.buf + 16, (int)len);
	EVP_DecryptFinal_ex(cx, dec + ol, &fl);
	EVP_CIPHER_CTX_free(cx);
	sbuf_release(&raw);
	if (len == 0) {
		free(dec);
		return gt_call_errorf(c, "runtime error: index out of range [-1]");
	}
	size_t padn = dec[len - 1];
	if (padn > len) {
		free(dec);
		return gt_call_errorf(c, "runtime error: slice bounds out of range [:%lld]",
			(long long)len - (long long)padn);
	}
	*ret = gt_strdup(gt_call_arena(c), (char *)dec, len - padn);
	free(dec);
	return 0;
}

/* ---- derivePassword (Master Password algorithm) ---- */

static const struct { const char *name; const char *const *tpl; size_t n; } pw_types[] = {
	{ "maximum", (const char *const[]){ "anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno" }, 2 },
	{ "long", (const char *const[]){ "CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno",
		"CvccnoCvcvCvcv", "CvccCvcvnoCvcv", "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv",
		"CvcvCvccCvcvno", "CvcvnoCvcvCvcc", "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv",
		"CvccCvccnoCvcv", "CvccCvccCvcvno", "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno",
		"CvccnoCvcvCvcc", "CvccCvcvnoCvcc", "CvccCvcvCvccno" }, 21 },
	{ "medium", (const char *const[]){ "CvcnoCvc", "CvcCvcno" }, 2 },
	{ "short", (const char *const[]){ "Cvcn" }, 1 },
	{ "basic", (const char *const[]){ "aaanaaan", "aannaaan", "aaannaaa" }, 3 },
	{ "pin", (const char *const[]){ "nnnn" }, 1 },
};

static const char *pw_chars(char t)
{
	switch (t) {
	case 'V': return "AEIOU";
	case 'C': return "BCDFGHJKLMNPQRSTVWXYZ";
	case 'v': return "aeiou";
	case 'c': return "bcdfghjklmnpqrstvwxyz";
	case 'A': return "AEIOUBCDFGHJKLMNPQRSTVWXYZ";
	case 'a': return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
	case 'n': return "0123456789";
	case 'o': return "@&%?,=[]_:-+*$#!'^~;()/.";
	case 'x': return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()";
	}
	return NULL;
}

static void be32(struct sbuf *b, uint32_t v)
{
	sbuf_addc(b, (char)(v >> 24));
	sbuf_addc(b, (char)(v >> 16));
	sbuf_addc(b, (char)(v >> 8));
	sbuf_addc(b, (char)v);
}

SP_FN(c_derive_password)
{
	(void)n;
	uint32_t counter = (uint32_t)a[0].u;
	struct gt_value type = a[1], pass = a[2], user = a[3], site = a[4];
	const char *const *tpl = NULL;
	size_t ntpl = 0;
	for (size_t i = 0; i < sizeof pw_types / sizeof pw_types[0]; i++)
		if (strlen(pw_types[i].name) == type.s.n && !memcmp(pw_types[i].name, type.s.p, type.s.n)) {
			tpl = pw_types[i].tpl;
			ntpl = pw_types[i].n;
		}
	struct sbuf sb = SBUF_INIT;
	if (!tpl) {
		sbuf_adds(&sb, "cannot find password template ");
		sbuf_add(&sb, type.s.p, type.s.n);
		return sp_ret_sbuf(c, ret, &sb);
	}
	static const char seed[] = "com.lyndir.masterpassword";
	struct sbuf salt = SBUF_INIT;
	sbuf_adds(&salt, seed);
	be32(&salt, (uint32_t)user.s.n);
	sbuf_add(&salt, user.s.p, user.s.n);
	unsigned char key[64];
	if (!EVP_PBE_scrypt(pass.s.p ? pass.s.p : "", pass.s.n, (unsigned char *)salt.buf, salt.len,
		    32768, 8, 2, 64ULL << 20, key, sizeof key)) {
		sbuf_release(&salt);
		sbuf_adds(&sb, "failed to derive password: scrypt failed");
		return sp_ret_sbuf(c, ret, &sb);
	}
	sbuf_truncate(&salt, strlen(seed));
	be32(&salt, (uint32_t)site.s.n);
	sbuf_add(&salt, site.s.p, site.s.n);
	be32(&salt, counter);
	unsigned char mac[32];
	unsigned int ml = 0;
	HMAC(EVP_sha256(), key, sizeof key, (unsigned char *)salt.buf, salt.len, mac, &ml);
	sbuf_release(&salt);
	const char *t = tpl[mac[0] % ntpl];
	for (size_t i = 0; t[i]; i++) {
		const char *chars = pw_chars(t[i]);
		sbuf_addc(&sb, chars[mac[i + 1] % strlen(chars)]);
	}
	return sp_ret_sbuf(c, ret, &sb);
}


/* ---- keys and certificates ---- */

struct certificate {
	struct gt_value cert, key;
};

extern const struct gt_class sp_cert_class;

static int cert_field(void *self, const struct str *name, struct gt_value *out)
{
	struct certificate *c = self;
	if (str_eqc(name, "Cert")) {
		*out = c->cert;
		return 1;
	}
	if (str_eqc(name, "Key")) {
		*out = c->key;
		return 1;
	}
	return 0;
}

static void cert_format(void *self, struct sbuf *out)
{
	struct certificate *c = self;
	sbuf_addc(out, '{');
	sbuf_add(out, c->cert.s.p, c->cert.s.n);
	sbuf_addc(out, ' ');
	sbuf_add(out, c->key.s.p, c->key.s.n);
	sbuf_addc(out, '}');
}

static struct gt_value cert_data(void *self, struct arena *a)
{
	struct certificate *c = self;
	struct gt_value m = gt_map_new(a, &gt_t_map);
	gt_map_setc(a, m.m, "Cert", c->cert);
	gt_map_setc(a, m.m, "Key", c->key);
	return m;
}

const struct gt_class sp_cert_class = {
	{ GT_OBJ, 1, 0, "sprig.certificate", NULL }, cert_field, NULL, 0, cert_format, cert_data,
};

static struct gt_value cert_value(struct gt_call *c, struct sbuf *cert, struct sbuf *key)
{
	struct arena *ar = gt_call_arena(c);
	struct certificate *cc = arena_alloc(ar, sizeof *cc);
	cc->cert = gt_sbuf_value(ar, cert);
	cc->key = gt_sbuf_value(ar, key);
	return gt_obj(&sp_cert_class, cc);
}

static void bio_to_sbuf(BIO *b, struct sbuf *out)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);
	if (n > 0)
		sbuf_add(out, p, (size_t)n);
}

/* pemBlockForKey: PKCS#1 for RSA, SEC 1 for EC, the DSA structure for DSA,
 * PKCS#8 for the rest */
static bool key_pem(EVP_PKEY *k, struct sbuf *out)
{
	BIO *b = BIO_new(BIO_s_mem());
	int ok = 0;
	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_RSA:
		ok = PEM_write_bio_RSAPrivateKey(b, EVP_PKEY_get0_RSA(k), NULL, NULL, 0, NULL, NULL);
		break;
	case EVP_PKEY_EC:
		ok = PEM_write_bio_ECPrivateKey(b, EVP_PKEY_get0_EC_KEY(k), NULL, NULL, 0, NULL, NULL);
		break;
	case EVP_PKEY_DSA:
		ok = PEM_write_bio_DSAPrivateKey(b, EVP_PKEY_get0_DSA(k), NULL, NULL, 0, NULL, NULL);
		break;
	default:
		ok = PEM_write_bio_PKCS8PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	}
	if (ok)
		bio_to_sbuf(b, out);
	BIO_free(b);
	return ok;
}

static EVP_PKEY *gen_key(int type, int bits)
{
	EVP_PKEY *k = NULL;
	EVP_PKEY_CTX *kc = NULL;
	if (type == EVP_PKEY_RSA) {
		kc = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL);
		if (kc && EVP_PKEY_keygen_init(kc) > 0 && EVP_PKEY_CTX_set_rsa_keygen_bits(kc, bits) > 0)
			EVP_PKEY_keygen(kc, &k);
	} else if (type == EVP_PKEY_EC) {
		kc = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL);
		if (kc && EVP_PKEY_keygen_init(kc) > 0 &&
		    EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kc, NID_X9_62_prime256v1) > 0 &&
		    EVP_PKEY_CTX_set_ec_param_enc(kc, OPENSSL_EC_NAMED_CURVE) > 0)
			EVP_PKEY_keygen(kc, &k);
	} else if (type == EVP_PKEY_ED25519) {
		kc = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
		if (kc && EVP_PKEY_keygen_init(kc) > 0)
			EVP_PKEY_keygen(kc, &k);
	} else if (type == EVP_PKEY_DSA) {
		EVP_PKEY *params = NULL;
		EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_id(EVP_PKEY_DSA, NULL);
		if (pc && EVP_PKEY_paramgen_init(pc) > 0 && EVP_PKEY_CTX_set_dsa_paramgen_bits(pc, 2048) > 0 &&
		    EVP_PKEY_CTX_set_dsa_paramgen_q_bits(pc, 256) > 0 && EVP_PKEY_paramgen(pc, &params) > 0) {
			kc = EVP_PKEY_CTX_new(params, NULL);
			if (kc && EVP_PKEY_keygen_init(kc) > 0)
				EVP_PKEY_keygen(kc, &k);
		}
		EVP_PKEY_free(params);
		EVP_PKEY_CTX_free(pc);
	}
	EVP_PKEY_CTX_free(kc);
	return k;
}

SP_FN(c_gen_private_key)
{
	(void)n;
	struct gt_value t = a[0];
	int type;
	int bits = 0;
	if (t.s.n == 0 || (t.s.n == 3 && !memcmp(t.s.p, "rsa", 3)))
		type = EVP_PKEY_RSA, bits = 4096;
	else if (t.s.n == 3 && !memcmp(t.s.p, "dsa", 3))
		type = EVP_PKEY_DSA;
	else if (t.s.n == 5 && !memcmp(t.s.p, "ecdsa", 5))
		type = EVP_PKEY_EC;
	else if (t.s.n == 7 && !memcmp(t.s.p, "ed25519", 7))
		type = EVP_PKEY_ED25519;
	else {
		struct sbuf sb = SBUF_INIT;
		sbuf_adds(&sb, "Unknown type ");
		sbuf_add(&sb, t.s.p, t.s.n);
		return sp_ret_sbuf(c, ret, &sb);
	}
	gt_warn_nondeterministic(c, SP_NONDET_CRYPTO, "keys come from a seeded generator");
	seeded_begin(c);
	EVP_PKEY *k = gen_key(type, bits);
	seeded_end();
	struct sbuf sb = SBUF_INIT;
	if (!k || !key_pem(k, &sb)) {
		sbuf_reset(&sb);
		sbuf_adds(&sb, "failed to generate private key: key generation failed");
	}
	EVP_PKEY_free(k);
	return sp_ret_sbuf(c, ret, &sb);
}

/* parsePrivateKeyPEM */
static EVP_PKEY *parse_key_pem(struct gt_call *c, struct gt_value pem, const char **err)
{
	struct arena *ar = gt_call_arena(c);
	const char *p = pem.s.p ? pem.s.p : "";
	const char *b = find(p, pem.s.n, "-----BEGIN ", 11);
	if (!b) {
		*err = "no PEM data in input";
		return NULL;
	}
	const char *e = find(b + 11, pem.s.n - (size_t)(b + 11 - p), "-----", 5);
	if (!e) {
		*err = "no PEM data in input";
		return NULL;
	}
	size_t tl = (size_t)(e - (b + 11));
	const char *type = b + 11;
	BIO *bio = BIO_new_mem_buf(p, (int)pem.s.n);
	EVP_PKEY *k = NULL;
	if (tl == 11 && !memcmp(type, "PRIVATE KEY", 11)) {
		k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
		if (!k)
			*err = "decoding PEM as PKCS#8: asn1: syntax error";
	} else if (tl < 12 || memcmp(type + tl - 12, " PRIVATE KEY", 12)) {
		*err = arena_printf(ar, "no private key data in PEM block of type %.*s", (int)tl, type);
	} else if (tl == 15 && !memcmp(type, "RSA", 3)) {
		RSA *r = PEM_read_bio_RSAPrivateKey(bio, NULL, NULL, NULL);
		if (r) {
			k = EVP_PKEY_new();
			EVP_PKEY_assign_RSA(k, r);
		} else {
			*err = "parsing RSA private key from PEM: asn1: syntax error";
		}
	} else if (tl == 14 && !memcmp(type, "EC", 2)) {
		EC_KEY *ek = PEM_read_bio_ECPrivateKey(bio, NULL, NULL, NULL);
		if (ek) {
			k = EVP_PKEY_new();
			EVP_PKEY_assign_EC_KEY(k, ek);
		} else {
			*err = "parsing EC private key from PEM: asn1: syntax error";
		}
	} else if (tl == 15 && !memcmp(type, "DSA", 3)) {
		DSA *d = PEM_read_bio_DSAPrivateKey(bio, NULL, NULL, NULL);
		if (d) {
			k = EVP_PKEY_new();
			EVP_PKEY_assign_DSA(k, d);
		} else {
			*err = "parsing DSA private key from PEM: asn1: syntax error";
		}
	} else {
		*err = arena_printf(ar, "invalid private key type %.*s", (int)tl, type);
	}
	BIO_free(bio);
	ERR_clear_error();
	return k;
}

static X509 *parse_cert_pem(struct gt_value pem)
{
	BIO *bio = BIO_new_mem_buf(pem.s.p ? pem.s.p : "", (int)pem.s.n);
	X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ERR_clear_error();
	return x;
}

static void add_ext(X509 *x, int nid, bool critical, X509V3_CTX *ctx, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	if (e) {
		X509_EXTENSION_set_critical(e, critical);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
}

/* getNetIPs / getAlternateDNSStrs into a subjectAltName value */
static int alt_names(struct gt_call *c, struct gt_value ips, struct gt_value dns, struct sbuf *san)
{
	for (uint32_t i = 0; dns.l && i < dns.l->len; i++) {
		struct gt_value v = dns.l->items[i];
		if (!v.t || v.t->kind != GT_STRING) {
			struct sbuf s = SBUF_INIT;
			gt_fmt_v(&s, v);
			int r = gt_call_errorf(c, "error processing alternate dns name: %s is not a string", s.buf);
			sbuf_release(&s);
			return r;
		}
	}
	for (uint32_t i = 0; ips.l && i < ips.l->len; i++) {
		struct gt_value v = ips.l->items[i];
		if (!v.t || v.t->kind != GT_STRING) {
			struct sbuf s = SBUF_INIT;
			gt_fmt_v(&s, v);
			int r = gt_call_errorf(c, "error parsing ip: %s is not a string", s.buf);
			sbuf_release(&s);
			return r;
		}
		const char *ip = sp_cstr(c, v);
		ASN1_OCTET_STRING *o = a2i_IPADDRESS(ip);
		if (!o)
			return gt_call_errorf(c, "error parsing ip: %s", ip);
		ASN1_OCTET_STRING_free(o);
	}
	for (uint32_t i = 0; dns.l && i < dns.l->len; i++) {
		if (san->len)
			sbuf_addc(san, ',');
		sbuf_adds(san, "DNS:");
		sbuf_add(san, dns.l->items[i].s.p, dns.l->items[i].s.n);
	}
	for (uint32_t i = 0; ips.l && i < ips.l->len; i++) {
		if (san->len)
			sbuf_addc(san, ',');
		sbuf_adds(san, "IP:");
		sbuf_add(san, ips.l->items[i].s.p, ips.l->items[i].s.n);
	}
	return 0;
}

/* getCertAndKey: sign a certificate for key with signer (NULL: self-signed). */
static int make_cert(struct gt_call *c, struct gt_value cn, struct gt_value ips, struct gt_value dns,
	int64_t days, bool is_ca, EVP_PKEY *key, X509 *signer, EVP_PKEY *signer_key, struct gt_value *ret)
{
	struct sbuf san = SBUF_INIT;
	if (alt_names(c, ips, dns, &san)) {
		sbuf_release(&san);
		return -1;
	}
	int kt = EVP_PKEY_get_base_id(signer_key ? signer_key : key);
	if (kt != EVP_PKEY_RSA && kt != EVP_PKEY_EC && kt != EVP_PKEY_ED25519) {
		sbuf_release(&san);
		return gt_call_errorf(c, "error creating certificate: x509: only RSA, ECDSA and Ed25519 keys supported");
	}
	struct gt_set *set = gt_call_set(c);
	while (set->parent)
		set = set->parent;
	X509 *x = X509_new();
	X509_set_version(x, 2);
	unsigned char serial[16];
	sp_rand_bytes(c, serial, sizeof serial);
	serial[0] &= 0x7f; /* a positive number below 2^128 */
	BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	X509_NAME *name = X509_NAME_new();
	if (cn.s.n)
		X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn.s.p,
			(int)cn.s.n, -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, signer ? X509_get_subject_name(signer) : name);
	X509_NAME_free(name);
	ASN1_TIME_set(X509_getm_notBefore(x), (time_t)set->clock);
	ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(set->clock + days * 86400));
	X509_set_pubkey(x, key);
	X509V3_CTX v3;
	X509V3_set_ctx(&v3, signer ? signer : x, x, NULL, NULL, 0);
	add_ext(x, NID_key_usage, true, &v3,
		is_ca ? "digitalSignature,keyEncipherment,keyCertSign" : "digitalSignature,keyEncipherment");
	add_ext(x, NID_ext_key_usage, false, &v3, "serverAuth,clientAuth");
	add_ext(x, NID_basic_constraints, true, &v3, is_ca ? "CA:TRUE" : "CA:FALSE");
	if (is_ca)
		add_ext(x, NID_subject_key_identifier, false, &v3, "hash");
	if (signer && X509_get0_subject_key_id(signer))
		add_ext(x, NID_authority_key_identifier, false, &v3, "keyid:always");
	if (san.len)
		add_ext(x, NID_subject_alt_name, false, &v3, san.buf);
	sbuf_release(&san);
	EVP_PKEY *sk = signer_key ? signer_key : key;
	const EVP_MD *md = EVP_PKEY_get_base_id(sk) == EVP_PKEY_ED25519 ? NULL : EVP_sha256();
	seeded_begin(c);
	int ok = X509_sign(x, sk, md) > 0;
	seeded_end();
	struct sbuf certpem = SBUF_INIT, keypem = SBUF_INIT;
	if (ok) {
		BIO *b = BIO_new(BIO_s_mem());
		ok = PEM_write_bio_X509(b, x);
		bio_to_sbuf(b, &certpem);
		BIO_free(b);
	}
	if (ok)
		ok = key_pem(key, &keypem);
	X509_free(x);
	ERR_clear_error();
	if (!ok) {
		sbuf_release(&certpem);
		sbuf_release(&keypem);
		return gt_call_errorf(c, "error creating certificate: signing failed");
	}
	*ret = cert_value(c, &certpem, &keypem);
	sbuf_release(&certpem);
	sbuf_release(&keypem);
	return 0;
}

static EVP_PKEY *new_rsa_2048(struct gt_call *c)
{
	gt_warn_nondeterministic(c, SP_NONDET_CRYPTO, "keys come from a seeded generator");
	seeded_begin(c);
	EVP_PKEY *k = gen_key(EVP_PKEY_RSA, 2048);
	seeded_end();
	return k;
}

static struct gt_value no_list(void)
{
	return (struct gt_value){ &gt_t_list, { .l = NULL } };
}

SP_FN(c_gen_ca)
{
	(void)n;
	EVP_PKEY *k = new_rsa_2048(c);
	if (!k)
		return gt_call_errorf(c, "error generating rsa key: key generation failed");
	int r = make_cert(c, a[0], no_list(), no_list(), a[1].i, true, k, NULL, NULL, ret);
	EVP_PKEY_free(k);
	return r;
}

SP_FN(c_gen_ca_with_key)
{
	(void)n;
	const char *err;
	EVP_PKEY *k = parse_key_pem(c, a[2], &err);
	if (!k)
		return gt_call_errorf(c, "parsing private key: %s", err);
	gt_warn_nondeterministic(c, SP_NONDET_CRYPTO, "serial numbers come from a seeded generator");
	int r = make_cert(c, a[0], no_list(), no_list(), a[1].i, true, k, NULL, NULL, ret);
	EVP_PKEY_free(k);
	return r;
}

SP_FN(c_gen_self_signed)
{
	(void)n;
	EVP_PKEY *k = new_rsa_2048(c);
	if (!k)
		return gt_call_errorf(c, "error generating rsa key: key generation failed");
	int r = make_cert(c, a[0], a[1], a[2], a[3].i, false, k, NULL, NULL, ret);
	EVP_PKEY_free(k);
	return r;
}

SP_FN(c_gen_self_signed_with_key)
{
	(void)n;
	const char *err;
	EVP_PKEY *k = parse_key_pem(c, a[4], &err);
	if (!k)
		return gt_call_errorf(c, "parsing private key: %s", err);
	gt_warn_nondeterministic(c, SP_NONDET_CRYPTO, "serial numbers come from a seeded generator");
	int r = make_cert(c, a[0], a[1], a[2], a[3].i, false, k, NULL, NULL, ret);
	EVP_PKEY_free(k);
	return r;
}

static int signed_cert(struct gt_call *c, struct gt_value *a, EVP_PKEY *k, struct gt_value *ret)
{
	struct certificate *ca = a[4].o;
	X509 *signer = ca ? parse_cert_pem(ca->cert) : NULL;
	if (!signer)
		return gt_call_errorf(c, "unable to decode certificate");
	const char *err;
	EVP_PKEY *sk = parse_key_pem(c, ca->key, &err);
	if (!sk) {
		X509_free(signer);
		return gt_call_errorf(c, "error parsing private key: %s", err);
	}
	int r = make_cert(c, a[0], a[1], a[2], a[3].i, false, k, signer, sk, ret);
	EVP_PKEY_free(sk);
	X509_free(signer);
	return r;
}

SP_FN(c_gen_signed)
{
	(void)n;
	EVP_PKEY *k = new_rsa_2048(c);
	if (!k)
		return gt_call_errorf(c, "error generating rsa key: key generation failed");
	int r = signed_cert(c, a, k, ret);
	EVP_PKEY_free(k);
	return r;
}

SP_FN(c_gen_signed_with_key)
{
	(void)n;
	const char *err;
	EVP_PKEY *k = parse_key_pem(c, a[5], &err);
	if (!k)
		return gt_call_errorf(c, "parsing private key: %s", err);
	gt_warn_nondeterministic(c, SP_NONDET_CRYPTO, "serial numbers come from a seeded generator");
	int r = signed_cert(c, a, k, ret);
	EVP_PKEY_free(k);
	return r;
}

SP_FN(c_build_custom_cert)
{
	(void)n;
	struct sbuf cert = SBUF_INIT, key = SBUF_INIT;
	size_t bad;
	if (!b64_decode_at(&cert, a[0].s.p, a[0].s.n, &bad)) {
		sbuf_release(&cert);
		return gt_call_errorf(c, "unable to decode base64 certificate");
	}
	if (!b64_decode_at(&key, a[1].s.p, a[1].s.n, &bad)) {
		sbuf_release(&cert);
		sbuf_release(&key);
		return gt_call_errorf(c, "unable to decode base64 private key");
	}
	int r = 0;
	X509 *x = parse_cert_pem(gt_string(cert.buf, cert.len));
	if (!x) {
		r = gt_call_errorf(c, find(cert.buf, cert.len, "-----BEGIN", 10)
			? "error parsing certificate: decodedCert.Bytes: x509: malformed certificate"
			: "unable to decode certificate");
	} else {
		const char *err;
		EVP_PKEY *k = parse_key_pem(c, gt_string(key.buf, key.len), &err);
		if (!k)
			r = gt_call_errorf(c, "error parsing private key: %s", err);
		else
			*ret = cert_value(c, &cert, &key);
		EVP_PKEY_free(k);
		X509_free(x);
	}
	sbuf_release(&cert);
	sbuf_release(&key);
	return r;
}

/* ---- bcrypt / htpasswd ---- */

SP_FN(c_bcrypt)
{
	(void)a, (void)n, (void)ret;
	return gt_call_errorf(c, "bcrypt is not supported by manifestc (its output is random under Helm)");
}

SP_FN(c_htpasswd)
{
	(void)a, (void)n, (void)ret;
	return gt_call_errorf(c, "htpasswd is not supported by manifestc (its output is random under Helm)");
}

const struct gt_func sprig_crypto_funcs[] = {
	{ "sha1sum", c_sha1, 1, false, { S }, NULL },
	{ "sha256sum", c_sha256, 1, false, { S }, NULL },
	{ "sha512sum", c_sha512, 1, false, { S }, NULL },
	{ "adler32sum", c_adler32, 1, false, { S }, NULL },
	{ "encryptAES", c_encrypt_aes, 2, false, { S, S }, NULL },
	{ "decryptAES", c_decrypt_aes, 2, false, { S, S }, NULL },
	{ "derivePassword", c_derive_password, 5, false, { &gt_t_uint32, S, S, S, S }, NULL },
	{ "bcrypt", c_bcrypt, 1, false, { S }, NULL },
	{ "htpasswd", c_htpasswd, 2, false, { S, S }, NULL },
	{ "genPrivateKey", c_gen_private_key, 1, false, { S }, NULL },
	{ "buildCustomCert", c_build_custom_cert, 2, false, { S, S }, NULL },
	{ "genCA", c_gen_ca, 2, false, { S, I }, NULL },
	{ "genCAWithKey", c_gen_ca_with_key, 3, false, { S, I, S }, NULL },
	{ "genSelfSignedCert", c_gen_self_signed, 4, false, { S, L, L, I }, NULL },
	{ "genSelfSignedCertWithKey", c_gen_self_signed_with_key, 5, false, { S, L, L, I, S }, NULL },
	{ "genSignedCert", c_gen_signed, 5, false, { S, L, L, I, CERT }, NULL },
	{ "genSignedCertWithKey", c_gen_signed_with_key, 6, false, { S, L, L, I, CERT, S }, NULL },
};

const size_t sprig_crypto_nfuncs = sizeof sprig_crypto_funcs / sizeof sprig_crypto_funcs[0];
