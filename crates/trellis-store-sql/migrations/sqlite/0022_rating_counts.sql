-- How many ratings each person has, kept by the database as ratings are written. A person's record
-- reads it to tell whether a rating history read earlier is still whole: one lookup, where
-- counting the ratings walks a hundred or more index entries on every read.
CREATE TABLE rating_counts (
    person_id INTEGER PRIMARY KEY,
    ratings INTEGER NOT NULL CHECK (ratings >= 0)
);

INSERT INTO rating_counts (person_id, ratings)
SELECT person_id, count(*) FROM ratings GROUP BY person_id;

CREATE TRIGGER ratings_counted AFTER INSERT ON ratings
BEGIN
    INSERT INTO rating_counts (person_id, ratings) VALUES (NEW.person_id, 1)
    ON CONFLICT (person_id) DO UPDATE SET ratings = ratings + 1;
END;

-- Ratings are removed only when their person is erased; the count stays true all the same.
CREATE TRIGGER ratings_uncounted AFTER DELETE ON ratings
BEGIN
    UPDATE rating_counts SET ratings = ratings - 1 WHERE person_id = OLD.person_id;
END;
