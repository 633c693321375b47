//! Cutting CloudTrail-shaped records and spotting `eventName` and
//! `errorCode`, per instruction set, beside one `memchr::memmem` pass for
//! a key over the same bytes (the cost of the cheapest SIMD search that
//! reads every byte once).
//!
//! Run: `cargo bench -p kensa-jsonscan --bench scan`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kensa_jsonscan::{Isa, ObjectScanner};

/// About 1 MB of records like CloudTrail's: nested identity, request
/// parameters with escaped JSON in them, a few errors.
fn records() -> Vec<u8> {
    let names = [
        "DescribeInstances",
        "GetObject",
        "AssumeRole",
        "PutBucketPolicy",
        "ConsoleLogin",
    ];
    let mut out = Vec::new();
    let mut i = 0usize;
    while out.len() < 1 << 20 {
        let name = names[i % names.len()];
        let error = if i.is_multiple_of(17) {
            r#","errorCode":"AccessDenied","errorMessage":"User: arn:aws:iam::111122223333:user/dev is not authorized""#
        } else {
            ""
        };
        let record = format!(
            r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","principalId":"AIDAEXAMPLE{i}","arn":"arn:aws:iam::111122223333:user/dev","accountId":"111122223333","userName":"dev","sessionContext":{{"attributes":{{"creationDate":"2026-11-01T00:00:00Z","mfaAuthenticated":"false"}}}}}},"eventTime":"2026-11-01T00:{m:02}:00Z","eventSource":"ec2.amazonaws.com","eventName":"{name}","awsRegion":"ap-northeast-1","sourceIPAddress":"198.51.100.{o}","userAgent":"aws-cli/2.15.0 Python/3.11.6 Linux/6.1","requestParameters":{{"bucketName":"logs-{i}","policy":"{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Deny\",\"Principal\":\"*\"}}]}}","filterSet":{{"items":[{{"name":"tag:env","valueSet":{{"items":[{{"value":"prod"}}]}}}}]}}}},"responseElements":null{error},"requestID":"{i:08x}-aaaa-bbbb-cccc-000000000000","eventID":"{i:08x}-dddd-eeee-ffff-000000000000","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}}"#,
            m = i % 60,
            o = i % 250,
        );
        if !out.is_empty() {
            out.push(b',');
        }
        out.extend_from_slice(record.as_bytes());
        i += 1;
    }
    out
}

fn scan(c: &mut Criterion) {
    let data = records();
    let mut group = c.benchmark_group("cut records and spot keys");
    group.throughput(Throughput::Bytes(data.len() as u64));
    let scanners: Vec<ObjectScanner> = Isa::available()
        .into_iter()
        .map(|isa| {
            ObjectScanner::with_isa(&["eventName", "errorCode"], isa).expect("keys have anchors")
        })
        .collect();
    for scanner in &scanners {
        group.bench_function(format!("{:?}", scanner.isa()), |b| {
            let mut hits = Vec::new();
            b.iter(|| {
                let mut at = 0;
                let mut records = 0;
                while let Some(end) = scanner.object_end(&data[at..], &mut hits) {
                    records += 1;
                    hits.clear();
                    at += end.end + 1;
                    if at >= data.len() {
                        break;
                    }
                }
                black_box(records)
            });
        });
    }
    // The same records as one array: one call, no per-record start.
    let mut array = vec![b'['];
    array.extend_from_slice(&data);
    array.push(b']');
    for scanner in &scanners {
        group.bench_function(
            format!("{:?}, one call for all records", scanner.isa()),
            |b| {
                let mut hits = Vec::new();
                b.iter(|| {
                    hits.clear();
                    black_box(scanner.object_end(&array, &mut hits))
                });
            },
        );
    }
    let finder = memchr::memmem::Finder::new(b"\"eventName\"");
    group.bench_function("memmem \"eventName\" (one pass)", |b| {
        b.iter(|| black_box(finder.find_iter(&data).count()));
    });
    group.finish();
}

criterion_group!(benches, scan);
criterion_main!(benches);
