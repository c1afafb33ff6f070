#include "lwm2m/schema.h"

#include <string.h>

#define R(o, r, n, t) {o, r, n, LWM2M_TYPE_##t, false, false}
#define M(o, r, n, t) {o, r, n, LWM2M_TYPE_##t, true, false}
#define X(o, r, n) {o, r, n, LWM2M_TYPE_NONE, false, true}

static const struct lwm2m_resdef defs[] = {
	R(0, 0, "server_uri", STRING),
	R(0, 1, "bootstrap_server", BOOLEAN),
	R(0, 2, "security_mode", INTEGER),
	R(0, 3, "public_key_or_identity", OPAQUE),
	R(0, 4, "server_public_key", OPAQUE),
	R(0, 5, "secret_key", OPAQUE),
	R(0, 6, "sms_security_mode", INTEGER),
	R(0, 7, "sms_binding_key_parameters", OPAQUE),
	R(0, 8, "sms_binding_secret_keys", OPAQUE),
	R(0, 9, "server_sms_number", STRING),
	R(0, 10, "short_server_id", INTEGER),
	R(0, 11, "client_hold_off_time", INTEGER),
	R(0, 12, "bootstrap_server_account_timeout", INTEGER),
	R(0, 13, "matching_type", UNSIGNED),
	R(0, 14, "sni", STRING),
	R(0, 15, "certificate_usage", UNSIGNED),
	M(0, 16, "dtls_tls_ciphersuite", UNSIGNED),
	R(0, 17, "oscore_security_mode", OBJLNK),
	M(0, 18, "groups_to_use_by_client", UNSIGNED),
	M(0, 19, "signature_algorithms_supported_by_server", UNSIGNED),
	M(0, 20, "signature_algorithms_to_use_by_client", UNSIGNED),
	M(0, 21, "signature_algorithm_certs_supported_by_server", UNSIGNED),
	R(0, 22, "tls13_features_to_use_by_client", UNSIGNED),
	R(0, 23, "tls_extensions_supported_by_server", UNSIGNED),
	R(0, 24, "tls_extensions_to_use_by_client", UNSIGNED),
	M(0, 25, "secondary_server_uri", STRING),
	R(0, 26, "mqtt_server", OBJLNK),
	M(0, 27, "cose_security", OBJLNK),
	R(0, 28, "rds_destination_port", INTEGER),
	R(0, 29, "rds_source_port", INTEGER),
	R(0, 30, "rds_application_id", STRING),

	R(1, 0, "short_server_id", INTEGER),
	R(1, 1, "lifetime", INTEGER),
	R(1, 2, "default_min_period", INTEGER),
	R(1, 3, "default_max_period", INTEGER),
	X(1, 4, "disable"),
	R(1, 5, "disable_timeout", INTEGER),
	R(1, 6, "notification_storing", BOOLEAN),
	R(1, 7, "binding", STRING),
	X(1, 8, "registration_update_trigger"),
	X(1, 9, "bootstrap_request_trigger"),
	R(1, 10, "apn_link", OBJLNK),
	R(1, 11, "tls_dtls_alert_code", UNSIGNED),
	R(1, 12, "last_bootstrapped", TIME),
	R(1, 13, "registration_priority_order", UNSIGNED),
	R(1, 14, "initial_registration_delay_timer", UNSIGNED),
	R(1, 15, "registration_failure_block", BOOLEAN),
	R(1, 16, "bootstrap_on_registration_failure", BOOLEAN),
	R(1, 17, "communication_retry_count", UNSIGNED),
	R(1, 18, "communication_retry_timer", UNSIGNED),
	R(1, 19, "communication_sequence_delay_timer", UNSIGNED),
	R(1, 20, "communication_sequence_retry_count", UNSIGNED),
	R(1, 21, "trigger", BOOLEAN),
	R(1, 22, "preferred_transport", STRING),
	R(1, 23, "mute_send", BOOLEAN),
	M(1, 24, "alternate_apn_links", OBJLNK),
	M(1, 25, "supported_server_versions", STRING),
	R(1, 26, "default_notification_mode", INTEGER),
	R(1, 27, "profile_id_hash_algorithm", INTEGER),

	R(2, 0, "object_id", INTEGER),
	R(2, 1, "object_instance_id", INTEGER),
	M(2, 2, "acl", INTEGER),
	R(2, 3, "access_control_owner", INTEGER),

	R(21, 0, "master_secret", OPAQUE),
	R(21, 1, "sender_id", OPAQUE),
	R(21, 2, "recipient_id", OPAQUE),
	R(21, 3, "aead_algorithm", INTEGER),
	R(21, 4, "hmac_algorithm", INTEGER),
	R(21, 5, "master_salt", OPAQUE),
	R(21, 6, "id_context", OPAQUE),
};

#define N_DEFS (sizeof(defs) / sizeof(defs[0]))

const struct lwm2m_resdef *schema_find(uint16_t oid, uint16_t rid)
{
	for (size_t i = 0; i < N_DEFS; i++)
		if (defs[i].oid == oid && defs[i].rid == rid)
			return &defs[i];
	return NULL;
}

const struct lwm2m_resdef *schema_find_name(uint16_t oid, const char *name)
{
	for (size_t i = 0; i < N_DEFS; i++)
		if (defs[i].oid == oid && strcmp(defs[i].name, name) == 0)
			return &defs[i];
	return NULL;
}

bool schema_has_object(uint16_t oid)
{
	return oid == LWM2M_OID_SECURITY || oid == LWM2M_OID_SERVER || oid == LWM2M_OID_ACL ||
	       oid == LWM2M_OID_OSCORE;
}
