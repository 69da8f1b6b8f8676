def log = new File(basedir, 'build.log').text
def gen = new File(basedir, 'target/generated-sources/keel/com/example/billing/db')
assert new File(gen, 'billing/tables/daos/InvoiceDao.java').isFile() : "no DAO"
assert new File(gen, 'billing/tables/pojos/Invoice.java').isFile() : "no POJO"
def invoice = new File(gen, 'billing/tables/Invoice.java').text
assert invoice.contains('JsonNode') : "jsonb forced type not applied"
assert invoice.contains('OffsetDateTime') : "javaTimeTypes not applied"
assert new File(gen, 'inventory/tables/pojos/Product.java').text.contains('String sku') : "citext is not a String"
assert !log.contains('has a type jOOQ does not map') : "an extension type was left unmapped"
assert !new File(gen, 'inventory/tables/ScratchImport.java').exists() : "the user's exclude was ignored"
def all = []
gen.eachFileRecurse { if (it.name.endsWith('.java')) all << it }
assert !all.any { it.name.startsWith('SchemaHistory') || it.name.startsWith('FlywaySchemaHistory') } : "history table generated"
assert all.any { it.name == 'OpenInvoice.java' } : "view from the second location missing"
assert !new File(gen, 'billing/tables/records/InvoiceRecord.java').text.contains('public InvoiceRecord setStatus') : "fluentSetters=false ignored"
assert new File(basedir, 'target/classes/com/example/billing/Invoices.class').isFile() : "client did not compile"
assert (log =~ /Keel codegen: generated \d+ Java files from 3 migrations on embedded PostgreSQL 18/).find() : "first build did not generate on 18"
assert log.count('BUILD SUCCESS') == 1 : "the quiet build printed its footer"
def quiet = log.substring(log.lastIndexOf('BUILD SUCCESS'))
quiet = quiet.readLines().drop(5).findAll { !it.startsWith('Running post-build script') }.join('\n').trim()
assert quiet.isEmpty() : "the -q build printed:\n" + quiet
assert !log.contains('Flyway Community Edition') && !log.contains('Successfully applied') : "Flyway chatter at INFO"
return true
