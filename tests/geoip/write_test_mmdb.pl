#!/usr/bin/perl
# Write a tiny MaxMind DB (GeoIP2-Country layout, plus City-style coordinates)
# for the GeoIP tests: usage: write_test_mmdb.pl OUT.mmdb
#   192.0.2.0/24     DE  (50.11, 8.68)
#   198.51.100.0/24  US  (40.71, -74.01)
#   2001:db8::/32    FR  (no coordinates)
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $out = shift or die "usage: $0 OUT.mmdb\n";
my %types = (
    country   => 'map',
    iso_code  => 'utf8_string',
    location  => 'map',
    latitude  => 'double',
    longitude => 'double',
);
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version            => 6,
    record_size           => 24,
    database_type         => 'lwbs-test-country',
    languages             => ['en'],
    description           => { en => 'lwbs test database' },
    alias_ipv6_to_ipv4    => 1,
    # The test networks are documentation ranges, which the writer drops by default.
    remove_reserved_networks => 0,
    map_key_type_callback => sub { $types{ $_[0] } },
);
$tree->insert_network('192.0.2.0/24',
    { country => { iso_code => 'DE' }, location => { latitude => 50.11, longitude => 8.68 } });
$tree->insert_network('198.51.100.0/24',
    { country => { iso_code => 'US' }, location => { latitude => 40.71, longitude => -74.01 } });
$tree->insert_network('2001:db8::/32', { country => { iso_code => 'FR' } });
open my $fh, '>:raw', $out or die "cannot write $out: $!\n";
$tree->write_tree($fh);
close $fh or die "cannot write $out: $!\n";
