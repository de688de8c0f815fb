package podauth.lib.aws_test

import data.podauth.lib.aws

test_access_key_ids_found_in_text if {
	aws.access_key_ids("AKIAABCDEFGHIJKLMNOP") == {"AKIAABCDEFGHIJKLMNOP"}
	aws.access_key_ids("id=ASIAQRSTUVWXYZ234567;") == {"ASIAQRSTUVWXYZ234567"}
	aws.access_key_ids("a AKIAABCDEFGHIJKLMNOP b AKIAQQQQQQQQQQQQQQQQ") == {"AKIAABCDEFGHIJKLMNOP", "AKIAQQQQQQQQQQQQQQQQ"}
	aws.contains_access_key_id("key: AKIAABCDEFGHIJKLMNOP")
}

test_access_key_ids_not_found if {
	# Documentation keys, keys glued to more key characters, short text, non-strings.
	aws.access_key_ids("AKIAIOSFODNN7EXAMPLE") == set()
	aws.access_key_ids("XAKIAABCDEFGHIJKLMNOP") == set()
	aws.access_key_ids("AKIAABCDEFGHIJKLMNOPQ") == set()
	aws.access_key_ids("AKIAABCDEF") == set()
	aws.access_key_ids(42) == set()
	not aws.contains_access_key_id("no key here, just a long sentence")
}

test_literal_credential if {
	aws.literal_credential("wJalrXUtnFEMI/K7MDENG")
	not aws.literal_credential("")
	not aws.literal_credential("   ")
	not aws.literal_credential("$(SECRET_FROM_ENV)")
	not aws.literal_credential("$(A)$(B)")
	aws.literal_credential("$(A)tail")
	not aws.literal_credential(null)
}

test_mask_keeps_four_characters_each_side if {
	aws.mask("AKIAABCDEFGHIJKLMNOP") == "AKIA************MNOP"
	aws.mask("short") == "*****"
	aws.mask("") == ""
}

test_credentials_file if {
	aws.holds_credentials_file("[default]\naws_access_key_id = AKIA\naws_secret_access_key = abc\n")
	aws.holds_credentials_file("  AWS_SECRET_ACCESS_KEY=abc")
	not aws.holds_credentials_file("aws_secret_access_key =\n")
	not aws.holds_credentials_file("# mentions aws_secret_access_key = x")
	not aws.holds_credentials_file(7)
}

test_role_arns if {
	aws.valid_role_arn("arn:aws:iam::111122223333:role/app")
	aws.valid_role_arn("arn:aws-cn:iam::111122223333:role/path/app")
	aws.valid_role_arn("arn:aws-us-gov:iam::111122223333:role/a+b=c,d.e@f_g-h")
	not aws.valid_role_arn("arn:aws:iam::11112222333:role/app")
	not aws.valid_role_arn("arn:aws:iam::111122223333:user/app")
	not aws.valid_role_arn("arn:aws:iam::111122223333:role/")
	not aws.valid_role_arn("app")
	not aws.valid_role_arn(null)
	aws.arn_account("arn:aws:iam::111122223333:role/app") == "111122223333"
	not aws.arn_account("not-an-arn")
}
