def log = new File(basedir, 'build.log').text
assert log.contains('Migration V2__broken.sql failed at line') : "the failure does not name the migration"
assert log.contains('42601') : "no SQLSTATE"
assert !log.contains('NoClassDefFoundError') : "the embedded server's shutdown failed:\n" + log
assert !log.contains('Exception in thread') : "a background thread failed:\n" + log
return true
