package client;

import static com.example.corpus.rental.Tables.FILM;
import static com.example.corpus.rental.Tables.LANGUAGE;

import com.example.corpus.rental.enums.FilmRating;
import com.example.corpus.rental.tables.records.FilmRecord;
import com.example.corpus.rental.tables.records.LanguageRecord;
import org.jooq.DSLContext;

/** A client compiled against the classes generated from the rental store: one film with an enum and an array. */
public final class RentalClient {
    private RentalClient() {
    }

    public static String roundTrip(DSLContext dsl) {
        LanguageRecord english = dsl.insertInto(LANGUAGE).set(LANGUAGE.NAME, "English").returning().fetchOne();
        FilmRecord film = dsl.insertInto(FILM)
                .set(FILM.TITLE, "ACADEMY DINOSAUR")
                .set(FILM.LANGUAGE_ID, english.getLanguageId())
                .set(FILM.RATING, FilmRating.PG)
                .set(FILM.SPECIAL_FEATURES, new String[] {"Deleted Scenes", "Behind the Scenes"})
                .returning().fetchOne();
        FilmRecord back = dsl.selectFrom(FILM).where(FILM.FILM_ID.eq(film.getFilmId())).fetchOne();
        return back.getTitle() + "|" + back.getRating().getLiteral() + "|" + String.join(",", back.getSpecialFeatures())
                + "|" + back.getSearchText();
    }
}
