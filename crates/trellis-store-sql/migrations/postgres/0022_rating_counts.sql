-- How many ratings each person has, kept by the database as ratings are written. A person's record
-- reads it to tell whether a rating history read earlier is still whole: one lookup, where
-- counting the ratings walks a hundred or more index entries on every read. The count changes in
-- the transaction that writes the ratings, so a snapshot sees both or neither.
CREATE TABLE rating_counts (
    person_id BIGINT PRIMARY KEY,
    ratings BIGINT NOT NULL CHECK (ratings >= 0)
);

INSERT INTO rating_counts (person_id, ratings)
SELECT person_id, count(*) FROM ratings GROUP BY person_id;

-- Once per statement, so that a bulk insert of many people's ratings updates each count once.
CREATE FUNCTION ratings_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO rating_counts (person_id, ratings)
        SELECT person_id, count(*) FROM new_ratings GROUP BY person_id ORDER BY person_id
        ON CONFLICT (person_id) DO UPDATE SET ratings = rating_counts.ratings + EXCLUDED.ratings;
    ELSE
        -- Ratings are removed only when their person is erased; the count stays true all the same.
        UPDATE rating_counts c SET ratings = c.ratings - d.n
        FROM (SELECT person_id, count(*) AS n FROM old_ratings GROUP BY person_id) d
        WHERE c.person_id = d.person_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER ratings_counted AFTER INSERT ON ratings
    REFERENCING NEW TABLE AS new_ratings FOR EACH STATEMENT EXECUTE FUNCTION ratings_count();
CREATE TRIGGER ratings_uncounted AFTER DELETE ON ratings
    REFERENCING OLD TABLE AS old_ratings FOR EACH STATEMENT EXECUTE FUNCTION ratings_count();
