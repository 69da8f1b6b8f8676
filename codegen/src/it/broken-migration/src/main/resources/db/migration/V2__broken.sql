CREATE TABLE also_fine (id int);
CREATE TABEL broken (id int);
